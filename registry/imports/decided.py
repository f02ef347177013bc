"""What a preview decided, kept beside the upload so that its apply writes it without deciding it again.

The apply used to plan the whole file again under lock (half its time for 35.000 rows) only to learn
that the registry had not moved since the preview. The preview now keeps its decisions: each new
business's values, each update's changed values with the version of the business it read, and the
registry's fingerprint taken before it read the registry. When the apply, with the businesses to update
locked, finds every one of them at the version previewed and the fingerprint unchanged, the registry
is as the preview saw it and the decisions stand. Otherwise the apply plans again, and writes nothing
if that plan differs from the preview (registry.services.registry_import_apply).

The fingerprint is the count of businesses, the highest ID, the newest creation time and the sum of
the versions: every save raises a business's version (models.save_next_version), the import raises
those it updates, and a business added or removed changes the count or the highest ID. Kept as JSON
(never pickle: nothing here is run) and removed once the import ends.
"""

import datetime
import decimal
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

from ..models import Business
from .plan import CREATE, UPDATE, Plan, registry_fingerprint

__all__ = [
    "Decisions",
    "Update",
    "forget_decisions",
    "keep_decisions",
    "recall_decisions",
    "registry_fingerprint",
    "updates_of",
]

SUFFIX = ".plan.json"
# Neither kept nor written by the import: the database and the writer set them.
NOT_KEPT = {"id", "created_at", "updated_at", "version", "size_class"}
FIELDS = {field.attname: field for field in Business._meta.concrete_fields if field.attname not in NOT_KEPT}
BY_NAME = {field.name: field for field in FIELDS.values()}


@dataclass
class Update:
    pk: int
    version: int  # the version the preview read; the apply writes version + 1
    values: dict  # attname → new value (Python)
    size_class: str


@dataclass
class Decisions:
    digest: str
    fingerprint: list
    creates: list[dict]  # attname → value (Python), every kept field of the new business
    updates: list[Update]


def decided_path(path) -> Path:
    return Path(f"{path}{SUFFIX}")


def _encode(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def updates_of(plan: Plan) -> list[Update]:
    """The plan's updates: each business's changed values, the version they were decided on, its class."""
    updates = []
    for row in plan.of(UPDATE):
        business = row.business
        changed = [BY_NAME[name] for name, _, _ in row.changes]
        values = {field.attname: field.value_from_object(business) for field in changed}
        updates.append(Update(business.pk, business.version, values, business.computed_size_class()))
    return updates


def keep_decisions(path, plan: Plan) -> None:
    """Write the plan's creates and updates beside the upload (written aside, then renamed)."""
    creates = [
        {attname: field.value_from_object(row.business) for attname, field in FIELDS.items()}
        for row in plan.of(CREATE)
    ]
    updates = [[update.pk, update.version, update.values, update.size_class] for update in updates_of(plan)]
    kept = {"digest": plan.digest, "fingerprint": plan.fingerprint, "creates": creates, "updates": updates}
    writing = decided_path(path).with_suffix(".part")
    # dumps, not dump: only the one-shot encoder is json's C one (imports.remembered).
    writing.write_text(json.dumps(kept, default=_encode), encoding="utf-8")
    writing.replace(decided_path(path))


def _python(values: dict) -> dict:
    return {attname: FIELDS[attname].to_python(value) for attname, value in values.items()}


def recall_decisions(path) -> Decisions | None:
    """The preview's decisions, or None when it kept none (or they cannot be read)."""
    kept = decided_path(path)
    if not kept.exists():
        return None
    try:
        with kept.open(encoding="utf-8") as source:
            data = json.load(source)
        return Decisions(
            digest=data["digest"],
            fingerprint=data["fingerprint"],
            creates=[_python(values) for values in data["creates"]],
            updates=[
                Update(pk, version, _python(values), size_class)
                for pk, version, values, size_class in data["updates"]
            ],
        )
    except (OSError, ValueError, TypeError, KeyError, ValidationError):
        return None  # unreadable: the apply plans again


def forget_decisions(path) -> None:
    decided_path(path).unlink(missing_ok=True)
