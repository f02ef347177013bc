"""The registry's complex readers."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .formatting import mask_nik, rupiah
from .models import Business, Desa, KbliCode, Kecamatan, Sector


def business_list() -> QuerySet[Business]:
    return Business.objects.select_related("kecamatan", "desa", "sector")


@dataclass
class Duplicate:
    business: Business
    reasons: list[str]

    @property
    def blocking(self) -> bool:
        """NIK and NIB are unique: such a match cannot be saved anyway."""
        return any(reason != "nama" for reason in self.reasons)


def business_find_duplicates(
    *, name: str = "", desa_id=None, nik: str = "", nib: str = "", exclude_pk=None
) -> list[Duplicate]:
    """Businesses that look like the one being entered: same NIK, same NIB, or same name in the desa."""
    name = " ".join(name.split())
    condition = Q(pk__in=[])
    if nik:
        condition |= Q(owner_nik=nik)
    if nib:
        condition |= Q(nib=nib)
    if name and desa_id:
        condition |= Q(name__iexact=name, desa_id=desa_id)
    matches = business_list().filter(condition)
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    duplicates = []
    for business in matches[:10]:
        reasons = []
        if nik and business.owner_nik == nik:
            reasons.append("NIK")
        if nib and business.nib == nib:
            reasons.append("NIB")
        if name and desa_id and business.desa_id == int(desa_id) and business.name.lower() == name.lower():
            reasons.append("nama")
        duplicates.append(Duplicate(business, reasons))
    return duplicates


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    """One line of a business's timeline; other apps add their own kinds (sessions, assessments…)."""

    when: object  # a datetime, or a date for things that happened on a day
    who: str
    kind: str  # here "created", "changed" or "deleted"
    reason: str
    changes: list[Change] = field(default_factory=list)
    title: str = ""
    url: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


# Fields whose values are rupiah amounts, shown formatted in the timeline.
MONEY_FIELDS = {"turnover", "capital"}


def business_timeline(business: Business, *, show_nik: bool = False) -> list[TimelineEntry]:
    """Every recorded change of the business, newest first, with old → new values.

    NIK values are masked unless show_nik (UU 27/2022: only roles with registry.view_nik see them).
    """
    records = list(business.history.select_related("history_user").order_by("history_date", "history_id"))
    names = {
        "kecamatan": dict(Kecamatan.objects.values_list("id", "name")),
        "desa": dict(Desa.objects.values_list("id", "name")),
        "sector": dict(Sector.objects.values_list("id", "name")),
    }
    fields = {f.name: f for f in Business._meta.get_fields() if f.concrete}
    # Compared record by record ourselves: simple-history's diff_against skips non-editable fields,
    # and the computed size class is one a person most wants to see change.
    tracked = [
        field for field in Business.history.model._meta.fields if field.name in fields and field.name != "id"
    ]

    def show(field, value):
        if value in (None, ""):
            return "—"
        if field.name == "owner_nik" and not show_nik:
            return mask_nik(value)
        if field.name in names:
            return names[field.name].get(value, str(value))
        if field.name in MONEY_FIELDS:
            return rupiah(value)
        model_field = fields[field.name]
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "Ya" if value else "Tidak"
        return str(value)

    return history_timeline(
        records, fields=tracked, show=show, titles={"+": "Didaftarkan", "-": "Dihapus", "~": "Diubah"}
    )


HISTORY_KINDS = {"+": "created", "-": "deleted", "~": "changed"}


def who_did(user) -> str:
    """The person a record names, by full name; "Sistem" when nobody did it (a migration, a seed)."""
    return (user.get_full_name() or user.username) if user else "Sistem"


def history_timeline(records, *, fields, show, titles: dict[str, str]) -> list[TimelineEntry]:
    """One timeline entry per django-simple-history record, newest first, with old → new per change.

    `records` come oldest first with their history_user fetched; `fields` are the history model's
    fields to compare; `show(field, value)` writes a value for people; `titles` name each history_type.
    """
    entries, previous = [], None
    for record in records:
        changes = []
        if record.history_type == "~" and previous is not None:
            changes = [
                Change(str(field.verbose_name), show(field, old), show(field, new))
                for field in fields
                if (old := getattr(previous, field.attname)) != (new := getattr(record, field.attname))
            ]
        entries.append(
            TimelineEntry(
                when=record.history_date,
                who=who_did(record.history_user),
                kind=HISTORY_KINDS[record.history_type],
                reason=record.history_change_reason or "",
                changes=changes,
                title=titles[record.history_type],
            )
        )
        previous = record
    entries.reverse()
    return entries


def registry_summary() -> dict:
    """Headline registry figures in one aggregate query."""
    this_year = timezone.localdate().year
    return Business.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Business.Status.ACTIVE)),
        with_nib=Count("id", filter=Q(nib__isnull=False)),
        registered_this_year=Count("id", filter=Q(registered_on__year=this_year)),
        mikro=Count("id", filter=Q(size_class="mikro")),
        kecil=Count("id", filter=Q(size_class="kecil")),
        menengah=Count("id", filter=Q(size_class="menengah")),
    )


def kbli_title(code: str) -> str:
    """The KBLI 2020 title when the code is on the pick list, else ''."""
    if not code:
        return ""
    return KbliCode.objects.filter(code=code).values_list("title", flat=True).first() or ""
