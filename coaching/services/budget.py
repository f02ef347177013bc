"""Budget lines and spending, and the check that keeps them within the programme's ceiling.

The overspend guard. Every write that changes what a programme may spend (its ceiling, a line's
allocation) or what it has spent (an expenditure added, corrected or deleted) first locks the
programme's row with SELECT … FOR UPDATE. Two people saving at the same moment are therefore checked
one after the other: the second waits for the first to commit, then sums the spending afresh —
including the first one's — before it decides. On SQLite, which has no row locks, writers are
serialised by the database lock instead.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from registry.formatting import rupiah
from registry.services import save_with_history

from ..models import BudgetLine, Expenditure, Programme


def _lock_programme(programme_id: int) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme_id)


def _allocated(programme: Programme, *, excluding: BudgetLine | None = None) -> int:
    lines = BudgetLine.objects.filter(programme=programme)
    if excluding is not None:
        lines = lines.exclude(pk=excluding.pk)
    return lines.aggregate(total=Coalesce(Sum("allocation"), 0))["total"]


def _check_allocation(programme: Programme, line: BudgetLine) -> None:
    """A line's allocation keeps the lines within the ceiling and covers what it has already paid."""
    total = _allocated(programme, excluding=line if line.pk else None) + (line.allocation or 0)
    if total > programme.budget_ceiling:
        raise ValidationError(
            {"allocation": f"Jumlah pagu mata anggaran menjadi {rupiah(total)}, melebihi pagu program "
             f"{rupiah(programme.budget_ceiling)} sebesar {rupiah(total - programme.budget_ceiling)}."}
        )  # fmt: skip
    if line.pk:
        spent = line.expenditures.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
        if line.allocation < spent:
            raise ValidationError(
                {"allocation": f"Mata anggaran ini sudah dibelanjakan {rupiah(spent)}; "
                 f"pagunya tidak bisa di bawah itu."}
            )  # fmt: skip


@transaction.atomic
def budget_line_create(*, programme: Programme, user, fields: dict) -> BudgetLine:
    programme = _lock_programme(programme.pk)
    line = BudgetLine(programme=programme, **fields)
    line.full_clean()
    _check_allocation(programme, line)
    return save_with_history(line, user=user, change_reason="Mata anggaran dibuat")


@transaction.atomic
def budget_line_update(*, line: BudgetLine, user, fields: dict) -> BudgetLine:
    programme = _lock_programme(line.programme_id)
    line = BudgetLine.objects.get(pk=line.pk)
    for name, value in fields.items():
        setattr(line, name, value)
    line.full_clean()
    _check_allocation(programme, line)
    return save_with_history(line, user=user, change_reason="Mata anggaran diubah")


def _check_within_budget(*, programme: Programme, line: BudgetLine, amount: int, excluding=None) -> None:
    """Refuse spending that takes the line past its allocation or the programme past its ceiling."""
    spending = Expenditure.objects.filter(budget_line__programme=programme)
    if excluding is not None:
        spending = spending.exclude(pk=excluding.pk)
    spent = spending.aggregate(
        line=Coalesce(Sum("amount", filter=Q(budget_line=line)), 0), programme=Coalesce(Sum("amount"), 0)
    )
    for what, left in (
        (f"mata anggaran “{line}”", line.allocation - spent["line"]),
        ("pagu program", programme.budget_ceiling - spent["programme"]),
    ):
        left = max(left, 0)
        if amount > left:
            raise ValidationError(
                {"amount": f"Melebihi sisa {what}: sisa {rupiah(left)}, belanja ini {rupiah(amount)} "
                 f"(lebih {rupiah(amount - left)})."}
            )  # fmt: skip


@transaction.atomic
def expenditure_add(*, user, fields: dict) -> Expenditure:
    """Record spending from a budget line, refused when it would overspend the line or the ceiling."""
    line = fields["budget_line"]
    programme = _lock_programme(line.programme_id)
    line = BudgetLine.objects.get(pk=line.pk)
    expenditure = Expenditure(**{**fields, "budget_line": line}, recorded_by=user)
    expenditure.full_clean()
    _check_within_budget(programme=programme, line=line, amount=expenditure.amount)
    return save_with_history(expenditure, user=user, change_reason="Belanja dicatat")


@transaction.atomic
def expenditure_update(*, expenditure: Expenditure, user, fields: dict, reason: str) -> Expenditure:
    """Correct an entry; the old values stay in its history with the reason given."""
    if not reason.strip():
        raise ValidationError({"reason": "Tulis alasan koreksi."})
    programme = _lock_programme(expenditure.budget_line.programme_id)
    expenditure = Expenditure.objects.get(pk=expenditure.pk)
    for name, value in fields.items():
        setattr(expenditure, name, value)
    line = BudgetLine.objects.get(pk=expenditure.budget_line_id)
    if line.programme_id != programme.pk:
        raise ValidationError({"budget_line": "Belanja tidak bisa dipindah ke program lain."})
    expenditure.budget_line = line
    expenditure.full_clean()
    _check_within_budget(programme=programme, line=line, amount=expenditure.amount, excluding=expenditure)
    return save_with_history(expenditure, user=user, change_reason=f"Koreksi: {reason.strip()}")


@transaction.atomic
def expenditure_delete(*, expenditure: Expenditure, user, reason: str) -> Expenditure:
    """Only an admin deletes spending; the deleted entry stays in the history with the reason."""
    if not user.has_perm("coaching.delete_expenditure"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Tulis alasan penghapusan."})
    _lock_programme(expenditure.budget_line.programme_id)
    expenditure = Expenditure.objects.get(pk=expenditure.pk)
    expenditure._history_user = user
    expenditure._change_reason = f"Dihapus: {reason.strip()}"
    expenditure.delete()
    return expenditure
