"""Programmes: creating and changing one, and its planned sessions per kecamatan."""

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from registry.formatting import rupiah
from registry.models import Kecamatan
from registry.services import save_with_history

from ..models import KecamatanPlan, Programme
from ..verdicts import store_verdicts
from .budget import _allocated, _lock_programme


def even_plan(total: int, kecamatan_ids: list[int]) -> dict[int, int]:
    """Spread `total` sessions evenly; the first kecamatan (by name) take the remainder one each."""
    base, remainder = divmod(total, len(kecamatan_ids))
    return {pk: base + (1 if index < remainder else 0) for index, pk in enumerate(kecamatan_ids)}


@transaction.atomic
def programme_create(*, user, fields: dict, planned_sessions_total: int) -> Programme:
    programme = save_with_history(Programme(**fields), user=user, change_reason="Program dibuat")
    kecamatan_ids = list(Kecamatan.objects.order_by("name").values_list("id", flat=True))
    plan = even_plan(planned_sessions_total, kecamatan_ids)
    bulk_create_with_history(
        [
            KecamatanPlan(programme=programme, kecamatan_id=pk, planned_sessions=count)
            for pk, count in plan.items()
        ],
        KecamatanPlan,
        default_user=user,
        default_change_reason="Rencana sesi dibuat bersama program",
    )
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, user, fields: dict) -> Programme:
    programme = _lock_programme(programme.pk)
    rule_before = _rule_settings_of(programme)
    for name, value in fields.items():
        setattr(programme, name, value)
    allocated = _allocated(programme)
    if programme.budget_ceiling < allocated:
        raise ValidationError(
            {"budget_ceiling": f"Pagu tidak bisa di bawah jumlah pagu mata anggaran ({rupiah(allocated)}); "
             f"kurangi dulu pagu mata anggarannya."}
        )  # fmt: skip
    programme = save_with_history(programme, user=user, change_reason="Data program diubah")
    if _rule_settings_of(programme) != rule_before:
        store_verdicts(programme.enrolments.all())
    return programme


def _rule_settings_of(programme: Programme) -> tuple[int, int]:
    return programme.min_new_indicators, programme.turnover_growth_percent


@transaction.atomic
def programme_set_plan(*, programme: Programme, user, planned: dict[int, int]) -> None:
    """Set planned sessions per kecamatan id; every kecamatan keeps exactly one row."""
    if any(count < 0 for count in planned.values()):
        raise ValidationError("Rencana sesi tidak boleh negatif.")
    plans = {
        plan.kecamatan_id: plan
        for plan in KecamatanPlan.objects.select_for_update().filter(
            programme=programme, kecamatan_id__in=planned
        )
    }
    for kecamatan_id, count in planned.items():
        plan = plans.get(kecamatan_id) or KecamatanPlan(programme=programme, kecamatan_id=kecamatan_id)
        if plan.pk is not None and plan.planned_sessions == count:
            continue
        plan.planned_sessions = count
        save_with_history(plan, user=user, change_reason="Rencana sesi diubah")
