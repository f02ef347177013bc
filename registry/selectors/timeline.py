"""A business's history as timeline entries, and the pieces other apps build their timelines from.

Each entry is one django-simple-history record, with what it changed (old → new) as people read it.
"""

import datetime
from dataclasses import dataclass, field
from itertools import pairwise

from ..formatting import mask_nik, rupiah
from ..models import Business, Desa, Kecamatan, Sector


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


def business_value_shower(*, show_nik: bool = False):
    """show(field, value): a business's stored value as people read it (names, rupiah, Ya/Tidak).

    NIK values are masked unless show_nik (UU 27/2022: only roles with registry.view_nik see them).
    """
    names = {
        "kecamatan": dict(Kecamatan.objects.values_list("id", "name")),
        "desa": dict(Desa.objects.values_list("id", "name")),
        "sector": dict(Sector.objects.values_list("id", "name")),
    }
    fields = {f.name: f for f in Business._meta.get_fields() if f.concrete}

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

    return show


def business_timeline(business: Business, *, show_nik: bool = False) -> list[TimelineEntry]:
    """Every recorded change of the business, newest first, old → new (NIK masked unless show_nik)."""
    records = list(business.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name for f in Business._meta.get_fields() if f.concrete} - {"id", "version"}
    # Compared record by record ourselves: simple-history's diff_against skips non-editable fields,
    # and the computed size class is one a person most wants to see change.
    tracked = [field for field in Business.history.model._meta.fields if field.name in fields]
    return history_timeline(
        records,
        fields=tracked,
        show=business_value_shower(show_nik=show_nik),
        titles={"+": "Didaftarkan", "-": "Dihapus", "~": "Diubah"},
    )


def business_changes_since(
    business: Business, version: int, *, show_nik: bool = False
) -> list[TimelineEntry]:
    """What others saved to the business after the version a person loaded (see changes_since)."""
    return changes_since(business, version, show=business_value_shower(show_nik=show_nik))


HISTORY_KINDS = {"+": "created", "-": "deleted", "~": "changed"}


def who_did(user) -> str:
    """The person a record names, by full name; "Sistem" when nobody did it (a migration, a seed)."""
    return (user.get_full_name() or user.username) if user else "Sistem"


def timeline_entry(record, changes: list[Change], *, title: str) -> TimelineEntry:
    """One django-simple-history record as a timeline entry: when, who, what kind, why, what changed."""
    return TimelineEntry(
        when=record.history_date,
        who=who_did(record.history_user),
        kind=HISTORY_KINDS[record.history_type],
        reason=record.history_change_reason or "",
        changes=changes,
        title=title,
    )


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
        entries.append(timeline_entry(record, changes, title=titles[record.history_type]))
        previous = record
    entries.reverse()
    return entries


def changes_since(row, version: int, *, show) -> list[TimelineEntry]:
    """Each version of `row` saved after `version`, oldest first, with what it changed (old → new).

    For a person whose save was refused as stale (services.StaleEdit). A version is compared with the
    one before it by django-simple-history's diff_against (the fields a form edits: the computed ones
    follow them); a version saved as several history records (a session's topics are recorded after
    its fields) is read at its last record. No entries when the history does not reach back to `version`.
    """
    last_record_of = {}
    for record in (
        row.history.filter(version__gte=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        last_record_of[record.version] = record
    loaded = last_record_of.pop(version, None)
    if loaded is None:
        return []
    meta = type(row)._meta
    order = {field.name: index for index, field in enumerate([*meta.concrete_fields, *meta.many_to_many])}
    entries = []
    for before, record in pairwise([loaded, *last_record_of.values()]):
        changes = []
        # In the order of the model's fields, as its form shows them, not diff_against's alphabetical.
        for change in sorted(record.diff_against(before).changes, key=lambda change: order[change.field]):
            field = meta.get_field(change.field)
            changes.append(Change(str(field.verbose_name), show(field, change.old), show(field, change.new)))
        entries.append(timeline_entry(record, changes, title="Diubah"))
    return entries
