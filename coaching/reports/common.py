"""What the report's sheets share: the quarter they cover, the sheet they make, and a few cells."""

import datetime
from dataclasses import dataclass, field

from registry.formatting import tanggal
from registry.spreadsheets import ORDINAL, PERCENT, Cell, Column, Table

from ..models import Enrolment, Programme
from ..periods import QUARTER_NAMES

NUMBER_COLUMN = Column("No.", ORDINAL, 6)


@dataclass(frozen=True)
class Period:
    """The quarter a report covers: "Triwulan II", 1 April – 30 Juni."""

    name: str
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass
class Sheet:
    name: str
    heading: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    freeze_columns: int = 0  # columns kept in view when scrolling right (e.g. the business name)
    freeze: bool = True


@dataclass
class QuarterlyReport:
    programme: Programme
    quarter: int
    starts_on: datetime.date
    ends_on: datetime.date
    printed_on: datetime.date
    show_nik: bool
    sheets: list[Sheet]

    @property
    def title(self) -> str:
        return f"Laporan {QUARTER_NAMES[self.quarter]} {self.programme.year}"

    @property
    def period(self) -> str:
        return f"{tanggal(self.starts_on)} – {tanggal(self.ends_on)}"


def percent(value) -> Cell:
    """A share_percent() figure (40.5 meaning 40,5 %) as a spreadsheet percentage."""
    return Cell(value, PERCENT)


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def status_at(member: Enrolment, ends_on: datetime.date) -> str:
    """The enrolment's status at the quarter's end: naik kelas counts from the day it was verified."""
    if member.status == Enrolment.Status.NAIK_KELAS and member.verified_on > ends_on:
        return Enrolment.Status.ACTIVE
    return member.status
