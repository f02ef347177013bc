"""The Sesi sheet: the coaching sessions held in the quarter."""

from registry.formatting import tanggal
from registry.spreadsheets import COUNT, HOURS, LONG_DATE, Cell, Column, Table

from .common import NUMBER_COLUMN, Period, Sheet, person


def sessions_sheet(sessions, period: Period) -> Sheet:
    rows = [
        [
            number,
            Cell(session.held_on, LONG_DATE),
            session.get_kind_display(),
            session.kecamatan.name,
            session.desa.name if session.desa else "",
            session.venue,
            session.topic_names,
            person(session.pendamping),
            session.speaker,
            session.hours,
            session.attendee_count,
        ]
        for number, session in enumerate(sessions, 1)
    ]
    return Sheet(
        name="Sesi",
        heading=f"Sesi pendampingan yang terlaksana dalam {period.name} "
        f"({tanggal(period.starts_on)} – {tanggal(period.ends_on)})",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Tanggal", LONG_DATE, 18),
                    Column("Jenis sesi", width=22),
                    Column("Kecamatan", width=16),
                    Column("Desa/kelurahan", width=18),
                    Column("Tempat", width=28, wrap=True),
                    Column("Topik", width=34, wrap=True),
                    Column("Pendamping", width=20),
                    Column("Narasumber luar", width=22, wrap=True),
                    Column("Lama (jam)", HOURS, 10),
                    Column("Peserta hadir", COUNT, 10),
                ],
                rows=rows,
                totals=[
                    f"Jumlah: {len(rows)} sesi",
                    *[None] * 8,
                    sum(session.hours for session in sessions),
                    sum(session.attendee_count for session in sessions),
                ],
            )
        ],
        notes=[] if rows else [f"Tidak ada sesi yang tercatat dalam {period.name}."],
        freeze_columns=2,
    )
