"""A programme's budget lines, filled by the spending behind them, with receipts and a few corrections."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from simple_history.utils import bulk_create_with_history

from coaching import services
from coaching.models import (
    BudgetLine,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    Programme,
    SubActivity,
)
from coaching.periods import QUARTERS, quarter_bounds, quarter_of
from demo.context import Context
from demo.draws import at_hour
from demo.history import backdate
from demo.spending import BOOKS_CLOSE, PURCHASES, Spending, SpendingMixin

Category = BudgetLine.Category


# The SIPD sub-kegiatan the lines sit under (Permendagri 90/2019 nomenclature as a Kabupaten's DPA and
# renstra list them, with their output indicators). Only codes confirmed from a published source are
# used; the notes in the delivery report name them.
DEVELOPMENT = "2.17.08.2.01.0002"
LICENSING = "2.17.07.2.01.0003"
SUB_ACTIVITIES = {
    DEVELOPMENT: ("Pengembangan Usaha Mikro", "Jumlah Usaha Mikro yang Terfasilitasi"),
    LICENSING: (
        "Fasilitasi Kemudahan Perizinan Usaha Mikro", "Jumlah Usaha Mikro yang Telah Mendapatkan Perizinan"
    ),
}  # fmt: skip
CERTIFICATE_DRIVES = [Event.Kind.NIB, Event.Kind.HALAL, Event.Kind.PIRT]


@dataclass(frozen=True)
class LineSpec:
    category: str
    name: str
    per_mille: int  # share of the ceiling
    quarter_weights: tuple[int, int, int, int]  # when the work happens: little before the classes start
    sub_activity: str = DEVELOPMENT
    account_code: str = ""  # left "belum diisi" where no published source confirmed the account


# Shares of the ceiling (they add up to 1000); the last line takes the rounding, so the lines fill the
# ceiling to the rupiah. Account codes: Kepmendagri 050-5889/2021 (rekening belanja barang dan jasa).
BUDGET_LINES = [
    LineSpec(Category.SPEAKER_FEES, "Honorarium narasumber pelatihan dan klinik", 150, (13, 27, 31, 29),
             account_code="5.1.02.02.01.0003"),
    LineSpec(Category.MEALS, "Konsumsi kelas kelompok, klinik dan fasilitasi", 120, (10, 28, 32, 30),
             account_code="5.1.02.01.01.0052"),
    LineSpec(Category.TRANSPORT, "Transport lokal dan uang harian pendamping", 215, (21, 27, 26, 26),
             account_code="5.1.02.04.01.0001"),
    LineSpec(Category.MATERIALS, "Bahan pelatihan, modul dan perlengkapan praktik", 90, (15, 35, 30, 20),
             account_code="5.1.02.01.01.0026"),
    LineSpec(Category.VENUE, "Sewa tempat dan perlengkapan kegiatan", 75, (10, 28, 30, 32)),
    LineSpec(Category.CERTIFICATION, "Sertifikasi halal, PIRT, uji produk dan merek", 140, (5, 25, 45, 25),
             sub_activity=LICENSING),
    LineSpec(Category.PUBLICATION, "Publikasi, dokumentasi dan pameran produk", 140, (5, 20, 30, 45)),
    LineSpec(Category.OTHER, "ATK, penggandaan dan pelaporan", 70, (15, 25, 25, 35),
             account_code="5.1.02.01.01.0024"),
]  # fmt: skip
# A closed quarter spends almost all of its plan (per mille, drawn per line and quarter); the running
# quarter lags behind its share of the days, because receipts reach the bendahara weeks after the work.
CLOSED_QUARTER_ABSORPTION = (945, 970)
RUNNING_QUARTER_LAG = 0.8


# A few entries are corrected later, as staf do when a receipt shows a typing mistake.
CORRECTIONS = {
    "amount": "nominal kurang satu angka nol; disesuaikan dengan kuitansi",
    "spent_on": "tanggal disesuaikan dengan tanggal kuitansi",
    "receipt_number": "nomor SPJ salah ketik; disesuaikan dengan berkas SPJ",
}


class BudgetBuilder(SpendingMixin):
    """A programme's budget lines and the spending behind its sessions, drives and coaches.

    Amounts are shares of the ceiling, so another year's pagu gives the same shape. Spending is generated
    with running totals per line and per quarter and written in bulk; no line passes its allocation and
    the programme never passes its ceiling, as the services would insist.
    """

    def __init__(self, *, programme: Programme, ctx: Context, today: datetime.date):
        self.programme = programme
        self.ctx = ctx
        self.today = today
        year = self.programme.year
        # Its own stream from the demo's seed: the budget does not reshuffle the rest of the story.
        self.rng = random.Random(f"coaching-budget-{self.ctx.seed}-{year}")
        self.pay_until = min(datetime.date(year, *BOOKS_CLOSE), self.today, self.programme.ends_on)
        self.spent: dict[int, int] = defaultdict(int)
        self.spending: list[Spending] = []

    def build(self) -> None:
        self.sub_activities = self._sub_activities()
        if self.pay_until < self.programme.starts_on:
            return
        self.lines = self._lines()
        self.target = {line.pk: self._quarter_targets(line) for line in self.lines.values()}
        linked = sorted(self._for_sessions() + self._for_events(), key=lambda s: s.row.spent_on)
        for quarter in QUARTERS:
            for spending in linked:
                if spending.quarter == quarter:
                    self._take(spending)
            self._transport(quarter)
            for category in PURCHASES:
                self._purchases(self.lines[category], quarter)
        self._receipts()
        self._write()
        self._realised_outputs()

    def _drive_participants(self):
        return EventParticipant.objects.filter(
            event__programme=self.programme, event__kind__in=CERTIFICATE_DRIVES
        )

    def _sub_activities(self) -> dict[str, SubActivity]:
        """The sub-kegiatan with their targets: the naik-kelas target; every drive participant licensed."""
        targets = {
            DEVELOPMENT: (self.programme.naik_kelas_target, "usaha"),
            LICENSING: (self._drive_participants().count(), "usaha"),
        }
        return {
            code: services.sub_activity_create(
                programme=self.programme,
                user=self.ctx.staf,
                fields={
                    "code": code,
                    "name": name,
                    "output_indicator": indicator,
                    "output_target": targets[code][0],
                    "output_unit": targets[code][1],
                },
            )
            for code, (name, indicator) in SUB_ACTIVITIES.items()
        }

    def _realised_outputs(self) -> None:
        """What staf enter at the end of each month: businesses verified naik kelas, licences issued."""
        realised = {
            DEVELOPMENT: self.programme.enrolments.filter(status=Enrolment.Status.NAIK_KELAS).count(),
            LICENSING: self._drive_participants().filter(outcome=EventParticipant.Outcome.ISSUED).count(),
        }
        for code, sub_activity in self.sub_activities.items():
            services.sub_activity_update(
                sub_activity=sub_activity, user=self.ctx.staf, fields={"output_realised": realised[code]}
            )

    def _lines(self) -> dict[str, BudgetLine]:
        ceiling = self.programme.budget_ceiling
        allocations = [ceiling * spec.per_mille // 1000 // 100_000 * 100_000 for spec in BUDGET_LINES]
        allocations[-1] += ceiling - sum(allocations)
        lines = {}
        for spec, allocation in zip(BUDGET_LINES, allocations, strict=True):
            weights = spec.quarter_weights
            plan = [allocation * weight // sum(weights) // 100_000 * 100_000 for weight in weights]
            plan[weights.index(max(weights))] += allocation - sum(plan)
            lines[spec.category] = services.budget_line_create(
                programme=self.programme,
                user=self.ctx.staf,
                fields={
                    "category": spec.category,
                    "name": spec.name,
                    "sub_activity": self.sub_activities[spec.sub_activity],
                    "account_code": spec.account_code,
                    "allocation": allocation,
                    **{f"plan_q{quarter}": plan[quarter - 1] for quarter in QUARTERS},
                },
            )
        return lines

    def _paid_share(self, line: BudgetLine, quarter: int) -> float:
        """How much of the quarter's work has been paid by `pay_until`: 1 when closed, 0 when ahead."""
        first, last = quarter_bounds(self.programme.year, quarter)
        last = min(last, datetime.date(self.programme.year, *BOOKS_CLOSE))
        if self.pay_until >= last:
            return 1.0
        if self.pay_until < first:
            return 0.0
        if line.category == Category.TRANSPORT:  # paid monthly, after the month
            return (
                sum(1 for month in self._months(quarter) if self._transport_day(month) <= self.pay_until) / 3
            )
        return (self.pay_until - first).days / (last - first).days * RUNNING_QUARTER_LAG

    def _quarter_targets(self, line: BudgetLine) -> list[int]:
        """What the line spends in each quarter: a little under its plan, never over its allocation."""
        targets = []
        for quarter in QUARTERS:
            absorption = self.rng.randint(*CLOSED_QUARTER_ABSORPTION) / 1000
            targets.append(int(line.plan_for(quarter) * absorption * self._paid_share(line, quarter)))
        return targets

    def _take(self, spending: Spending) -> bool:
        """Add the spending unless it takes its line past its target, which lies under its allocation."""
        line = spending.row.budget_line
        if self.spent[line.pk] + spending.row.amount > sum(self.target[line.pk]):
            return False
        self.spent[line.pk] += spending.row.amount
        self.spending.append(spending)
        return True

    def _spending(self, category, day, amount, description, **target) -> Spending:
        row = Expenditure(
            budget_line=self.lines[category],
            spent_on=day,
            amount=amount,
            description=description[:255],
            recorded_by=self.ctx.staf,
            **target,
        )
        return Spending(row=row, quarter=quarter_of(day))

    def _receipts(self) -> None:
        """SPJ numbers in date order; a few left blank, a few typed wrong and corrected later."""
        rng, year = self.rng, self.programme.year
        ordered = sorted(self.spending, key=lambda s: s.row.spent_on)  # stable: the order they were made
        # Receipts still missing: for a running year the most recent ones, for a closed year any.
        recent = [s for s in ordered if (self.pay_until - s.row.spent_on).days <= 45]
        pool = recent if self.pay_until < self.programme.ends_on and len(recent) >= 10 else ordered
        blank = {id(s) for s in rng.sample(pool, min(len(pool), rng.randint(2, 4)))}
        number = rng.randint(3, 25)
        for spending in ordered:
            if id(spending) not in blank:
                spending.row.receipt_number = f"SPJ/{number:04d}/DKUKM/{year}"
                number += rng.choice([1, 1, 1, 2, 3])  # other SPJs of the office fall in between
        earliest = self.programme.starts_on + datetime.timedelta(days=40)
        correctable = [
            s
            for s in ordered
            if id(s) not in blank
            and s.row.amount >= 100_000
            and earliest <= s.row.spent_on <= self.pay_until - datetime.timedelta(days=10)
        ]
        fields = rng.sample(sorted(CORRECTIONS), min(rng.randint(2, 3), len(correctable)))
        for field_name, spending in zip(fields, rng.sample(correctable, len(fields)), strict=True):
            row = spending.row
            spending.correction, spending.true_value = field_name, getattr(row, field_name)
            # Typed wrong at first; lower, earlier or transposed, so the first version broke no limit either.
            if field_name == "amount":
                row.amount = row.amount // 10
            elif field_name == "spent_on":
                row.spent_on = max(
                    self.programme.starts_on, row.spent_on - datetime.timedelta(days=rng.randint(7, 30))
                )
            else:
                digits = row.receipt_number.split("/")[1]
                typo = digits[:2] + digits[3] + digits[2]  # the last two digits swapped
                typo = typo if typo != digits else f"{int(digits) + 10:04d}"
                row.receipt_number = f"SPJ/{typo}/DKUKM/{year}"

    def _write(self) -> None:
        rows = []
        for spending in self.spending:
            row = spending.row
            row._history_date = at_hour(spending.day, 15)
            row._history_user = row.recorded_by
            rows.append(row)
        bulk_create_with_history(rows, Expenditure, batch_size=500, default_change_reason="Belanja dicatat")
        for row in rows:  # the entry page shows when it was recorded: on the day, not today
            row.created_at = row._history_date
        Expenditure.objects.bulk_update(rows, ["created_at"], batch_size=500)
        corrected_on = {}
        for spending in self.spending:
            if spending.correction:
                services.expenditure_update(
                    expenditure=spending.row,
                    user=self.ctx.staf,
                    fields={spending.correction: spending.true_value},
                    reason=CORRECTIONS[spending.correction],
                )
                # Found when the SPJ file was checked, a few days after; never after the last payment day.
                checked = spending.day + datetime.timedelta(days=self.rng.randint(3, 10))
                corrected_on[spending.row.pk] = min(checked, self.pay_until)
        backdate(
            Expenditure.history.filter(id__in=corrected_on, history_type="~"),
            lambda row: at_hour(corrected_on[row.id], 10),
        )
