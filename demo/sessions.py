"""A kecamatan's year of coaching: group classes, clinics, site visits, mentoring and attendance."""

import datetime

from simple_history.utils import bulk_create_with_history

from coaching.models import Attendance, CoachingSession, Topic
from demo.context import Member, Place
from demo.draws import at_hour, field_day, random_day, weighted_sample
from registry.models import Desa

# Session kinds: topic weights, how many topics, duration choices in minutes.
TOPIC_WEIGHTS = {
    CoachingSession.Kind.GROUP_CLASS: {
        "kualitas-produk": 3, "pemasaran-merek": 3, "digital": 3, "keuangan": 2, "perizinan": 2,
        "produktivitas": 1.5, "efisiensi": 1, "perluasan-pasar": 1.5,
    },
    CoachingSession.Kind.CLINIC: {"perizinan": 4, "keuangan": 3, "digital": 2, "pemasaran-merek": 1},
    CoachingSession.Kind.MENTORING: {
        "kualitas-produk": 2, "pemasaran-merek": 2, "digital": 2, "keuangan": 2, "perizinan": 1,
        "produktivitas": 1, "efisiensi": 1, "perluasan-pasar": 1,
    },
    CoachingSession.Kind.SITE_VISIT: {
        "kualitas-produk": 3, "produktivitas": 3, "efisiensi": 2, "pemasaran-merek": 1,
    },
}  # fmt: skip
TOPIC_COUNTS = {
    CoachingSession.Kind.GROUP_CLASS: [1, 2, 2, 3],
    CoachingSession.Kind.CLINIC: [1, 1, 2],
    CoachingSession.Kind.MENTORING: [1, 1, 2],
    CoachingSession.Kind.SITE_VISIT: [1, 2],
}
DURATIONS = {
    CoachingSession.Kind.GROUP_CLASS: [150, 180, 180, 240],
    CoachingSession.Kind.CLINIC: [120, 150, 180],
    CoachingSession.Kind.MENTORING: [60, 90, 90, 120],
    CoachingSession.Kind.SITE_VISIT: [60, 90, 120],
}
SPEAKERS = {
    "kualitas-produk": [
        "Tim Rumah Kemasan Disperindag Provinsi Jawa Timur", "Dra. Endang Susilowati (praktisi pangan)",
    ],
    "produktivitas": ["Ir. Hadi Purnomo, M.T. (konsultan produksi)", "Tim PLUT-KUMKM Provinsi Jawa Timur"],
    "efisiensi": ["Ir. Hadi Purnomo, M.T. (konsultan produksi)"],
    "pemasaran-merek": ["Dian Anggraini, S.E., M.M. (Universitas Islam Balitar)", "Tim Rumah BUMN Blitar"],
    "perluasan-pasar": ["Dekranasda Kabupaten Blitar", "Yulianto Wibisono (eksportir kerajinan)"],
    "perizinan": [
        "DPMPTSP Kabupaten Blitar", "Dinas Kesehatan Kabupaten Blitar",
        "Satgas Halal Kemenag Kabupaten Blitar",
    ],
    "digital": ["Tim Rumah BUMN Blitar", "Rizky Firmansyah (pelatih pemasaran digital)"],
    "keuangan": ["Bank Jatim Cabang Blitar", "BRI Cabang Blitar (penyaluran KUR)"],
}  # fmt: skip
SESSION_NOTES = [
    "Peserta membawa contoh produk untuk dinilai bersama.",
    "Praktik foto produk dengan ponsel.",
    "Pembuatan akun marketplace dibantu langsung.",
    "Simulasi menghitung HPP dan harga jual.",
    "Pendaftaran NIB lewat OSS dipandu satu per satu.",
    "Tindak lanjut: pendamping mengecek pembukuan pada kunjungan berikutnya.",
]


class SessionsMixin:
    """Sessions, their topics and attendance (for ProgrammeBuilder)."""

    def _topics(self, kind: str) -> list[Topic]:
        count = self.rng.choice(TOPIC_COUNTS[kind])
        return [self.ctx.topics[slug] for slug in weighted_sample(self.rng, TOPIC_WEIGHTS[kind], count)]

    def _sessions(self) -> None:
        planned: list[tuple[CoachingSession, list[Topic], list]] = []
        for kecamatan_id in sorted(self.ctx.places):
            self._place_sessions(self.ctx.places[kecamatan_id], planned)
        sessions = [session for session, _, _ in planned]
        bulk_create_with_history(sessions, CoachingSession, batch_size=500)
        through = CoachingSession.topics.through
        links = through.objects.bulk_create(
            [through(coachingsession_id=s.pk, topic_id=t.pk) for s, topics, _ in planned for t in topics],
            batch_size=1000,
        )
        # The sessions' history shows their topics, as it does for a session recorded on the form.
        history_ids = dict(
            CoachingSession.history.filter(id__in=[s.pk for s in sessions]).values_list("id", "history_id")
        )
        TopicHistory = CoachingSession.history.model.topics.model
        TopicHistory.objects.bulk_create(
            [
                TopicHistory(
                    id=link.pk,
                    coachingsession_id=link.coachingsession_id,
                    topic_id=link.topic_id,
                    history_id=history_ids[link.coachingsession_id],
                )
                for link in links
            ],
            batch_size=1000,
        )
        rows = []
        for session, _, present in planned:
            seen = set()
            for attendee in present:
                member = attendee if isinstance(attendee, Member) else None
                business_id = member.business.pk if member else attendee
                if business_id not in seen:
                    seen.add(business_id)
                    rows.append(
                        Attendance(
                            session=session,
                            business_id=business_id,
                            enrolment=member.enrolment if member else None,
                            recorded_by=session.recorded_by,
                        )
                    )
        Attendance.objects.bulk_create(rows, batch_size=1000)

    def _place_sessions(self, place: Place, planned: list) -> None:
        """A kecamatan's year: group classes, clinics, site visits and one-to-one mentoring."""
        rng, year = self.rng, self.spec.year
        Kind = CoachingSession.Kind

        def members_on(day, share):
            return [m for m in place.members if m.present_on(field_day(day)) and rng.random() < share]

        def guests(most):
            return rng.sample(place.guests, min(len(place.guests), rng.randint(0, most)))

        classes = rng.randint(4, 6)
        span = (datetime.date(year, 12, 10) - datetime.date(year, 2, 1)).days // classes
        for index in range(classes):
            start = datetime.date(year, 2, 1) + datetime.timedelta(days=index * span)
            day = random_day(rng, start, start + datetime.timedelta(days=span - 1))
            desa = rng.choice(place.desa)
            if rng.random() < 0.35:
                desa, venue = None, f"Pendopo Kecamatan {place.kecamatan.name}"
            elif desa.kind == Desa.Kind.KELURAHAN:
                venue = f"Aula Kantor Kelurahan {desa.name}"
            else:
                venue = rng.choice(["Balai Desa {}", "Balai Desa {}", "Aula BUMDes {}"]).format(desa.name)
            present = members_on(day, 0.75) + guests(3)
            self._add_session(planned, place, Kind.GROUP_CLASS, day, desa, venue, present)
        for _ in range(rng.randint(1, 3)):
            day = random_day(rng, datetime.date(year, 3, 1), datetime.date(year, 11, 30))
            venue = f"{rng.choice(['Kantor', 'Pendopo'])} Kecamatan {place.kecamatan.name}"
            self._add_session(planned, place, Kind.CLINIC, day, None, venue, members_on(day, 0.4) + guests(2))
        for _ in range(rng.randint(2, 4) if place.members else 0):
            host = rng.choice(place.members)
            day = field_day(self._member_day(host, 14))
            neighbours = [
                m
                for m in place.members
                if m is not host and m.business.desa_id == host.business.desa_id and m.present_on(day)
            ]
            if host.present_on(day):
                present = [host, *[m for m in neighbours if rng.random() < 0.5]]
                desa = self.ctx.desa[host.business.desa_id]
                venue = f"Rumah produksi {host.business.name}"
                self._add_session(planned, place, Kind.SITE_VISIT, day, desa, venue, present)
        for member in place.members:
            for _ in range(1 + (rng.random() < 0.3)):
                day = field_day(self._member_day(member, 7))
                if member.present_on(day):
                    desa = self.ctx.desa[member.business.desa_id]
                    venue = f"Tempat usaha {member.business.name}"
                    self._add_session(planned, place, Kind.MENTORING, day, desa, venue, [member])

    def _member_day(self, member: Member, after_days: int) -> datetime.date:
        """A day to visit a member: after it joined, before it left, by the end of November."""
        until = min(datetime.date(self.spec.year, 11, 30), member.withdrawn_on or datetime.date.max)
        start = member.enrolled_on + datetime.timedelta(days=after_days)
        return random_day(self.rng, start, until - datetime.timedelta(days=1))

    def _add_session(self, planned, place, kind, day, desa, venue, present) -> None:
        rng = self.rng
        day = field_day(day)
        if not self.programme.starts_on <= day <= self.last_day:
            return
        topics = self._topics(kind)
        speaker = ""
        if kind in (CoachingSession.Kind.GROUP_CLASS, CoachingSession.Kind.CLINIC) and rng.random() < 0.45:
            speaker = rng.choice(SPEAKERS[topics[0].slug])
        running = self.today < self.programme.ends_on
        if running and (self.today - day).days <= 10 and kind != CoachingSession.Kind.MENTORING:
            present = []  # held in the last days: the attendance list is not typed in yet
        session = CoachingSession(
            programme=self.programme,
            held_on=day,
            duration_minutes=rng.choice(DURATIONS[kind]),
            kind=kind,
            kecamatan=place.kecamatan,
            desa=desa,
            venue=venue[:200],
            pendamping=place.pendamping,
            speaker=speaker,
            notes=rng.choice(SESSION_NOTES) if rng.random() < 0.25 else "",
            recorded_by=place.pendamping if rng.random() < 0.9 else self.ctx.staf,
        )
        session._history_date = at_hour(day, 17)
        session._history_user = session.recorded_by
        planned.append((session, topics, present))
