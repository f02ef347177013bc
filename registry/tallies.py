"""The registry's kept figures: counts kept exact in the same transaction as every write to a business.

A business's *state* is what the figures read of it: where it is, its sector, size class, status, legal
flags and when it entered the registry. Every writer hands the states before and after its change to
tally_changes(), which adds the difference to each summary table (registry.models RegistryTally,
DesaTally, MonthTally) with one INSERT … ON CONFLICT DO UPDATE SET n = n + delta per table:

- race-safe: two writers adding to the same row queue on its row lock, neither overwrites the other,
  and the keys go in sorted order so two writers never wait on each other in a circle;
- in the writer's own transaction: a write that rolls back takes its deltas with it.

Who calls it: Business.save() (the services, the admin, anything that saves a business) and a delete
(pre_delete, also for a queryset's delete()); the import, whose bulk writes skip save(), through
tracking() and created(); the demo seeding rebuilds once at its end. A bulk write anywhere else
(queryset.update() of a field in STATE_FIELDS) must go through tracking() too.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import Business, DesaTally, MonthTally, RegistryTally

# The business's own columns the figures read.
STATE_FIELDS = (
    "kecamatan_id",
    "desa_id",
    "sector_id",
    "size_class",
    "registered_on",
    "status",
    "nib",
    "has_pirt",
    "has_halal",
)
UPSERT_BATCH = 500  # keys per INSERT … ON CONFLICT statement


@dataclass(frozen=True)
class State:
    """What the kept figures count of one business."""

    kecamatan_id: int
    desa_id: int
    sector_id: int
    size_class: str
    registered_on: datetime.date
    status: str
    nib: str | None
    has_pirt: bool
    has_halal: bool

    @property
    def active(self) -> int:
        return int(self.status == Business.Status.ACTIVE)

    @property
    def with_nib(self) -> int:
        return int(self.nib is not None)


def state_of(business: Business) -> State:
    """The state of a business as held in memory (as it is about to be, or has just been, written)."""
    return State(**{name: getattr(business, name) for name in STATE_FIELDS})


def states_of(pks: Iterable[int]) -> dict[int, State]:
    """The states of businesses as stored now, by id: one query."""
    rows = Business.objects.filter(pk__in=list(pks)).order_by().values("id", *STATE_FIELDS)
    return {row.pop("id"): State(**row) for row in rows}


def locked_state(pk: int) -> State | None:
    """A business's stored state, its row locked until the transaction ends (None if it is not stored)."""
    row = Business.objects.select_for_update().filter(pk=pk).order_by().values(*STATE_FIELDS).first()
    return State(**row) if row else None


def saved_state(business: Business, before: State | None, update_fields=None) -> State:
    """The state save() writes: all of it, or only the fields in update_fields over what was stored."""
    if update_fields is None or before is None:
        return state_of(business)
    written = {Business._meta.get_field(name).attname for name in update_fields}
    return State(
        **{
            name: getattr(business, name) if name in written else getattr(before, name)
            for name in STATE_FIELDS
        }
    )


# --- the summary tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A summary table: its key and counts of a state, and the same as a fresh aggregate of the registry."""

    model: type[models.Model]
    key_fields: tuple[str, ...]  # attnames of the model's key, in order
    key: Callable[[State], tuple]
    fresh_key: tuple  # expressions over Business giving the key, in the same order
    count_fields: tuple[str, ...]
    counts: Callable[[State], tuple[int, ...]]
    fresh_counts: tuple  # aggregates over Business giving the counts, in the same order

    @property
    def name(self) -> str:
        return self.model._meta.model_name


def _counted(**lookups) -> Count:
    return Count("id", filter=Q(**lookups))


TABLES = (
    Table(
        model=RegistryTally,
        key_fields=("kecamatan_id", "sector_id", "size_class", "year"),
        key=lambda s: (s.kecamatan_id, s.sector_id, s.size_class, s.registered_on.year),
        fresh_key=(F("kecamatan_id"), F("sector_id"), F("size_class"), ExtractYear("registered_on")),
        count_fields=("total_count", "active_count", "nib_count", "pirt_count", "halal_count"),
        counts=lambda s: (1, s.active, s.with_nib, int(s.has_pirt), int(s.has_halal)),
        fresh_counts=(
            Count("id"),
            _counted(status=Business.Status.ACTIVE),
            _counted(nib__isnull=False),
            _counted(has_pirt=True),
            _counted(has_halal=True),
        ),
    ),
    Table(
        model=DesaTally,
        key_fields=("desa_id", "year"),
        key=lambda s: (s.desa_id, s.registered_on.year),
        fresh_key=(F("desa_id"), ExtractYear("registered_on")),
        count_fields=("total_count",),
        counts=lambda _state: (1,),
        fresh_counts=(Count("id"),),
    ),
    Table(
        model=MonthTally,
        key_fields=("kecamatan_id", "sector_id", "year", "month"),
        key=lambda s: (s.kecamatan_id, s.sector_id, s.registered_on.year, s.registered_on.month),
        fresh_key=(
            F("kecamatan_id"),
            F("sector_id"),
            ExtractYear("registered_on"),
            ExtractMonth("registered_on"),
        ),
        count_fields=("total_count",),
        counts=lambda _state: (1,),
        fresh_counts=(Count("id"),),
    ),
)


# --- keeping them ------------------------------------------------------------------------------


def deltas(table: Table, changes: list[tuple[State | None, State | None]]) -> dict[tuple, list[int]]:
    """What the changes add to each of the table's rows (rows they leave as they were are left out)."""
    added: dict[tuple, list[int]] = {}
    for before, after in changes:
        for state, sign in ((before, -1), (after, 1)):
            if state is None:
                continue
            row = added.setdefault(table.key(state), [0] * len(table.count_fields))
            for index, count in enumerate(table.counts(state)):
                row[index] += sign * count
    return {key: row for key, row in added.items() if any(row)}


def tally_changes(changes: Iterable[tuple[State | None, State | None]]) -> None:
    """Add the difference between each (before, after) pair of states to every kept figure.

    `before` None: a business created; `after` None: a business deleted. Call it inside the write's
    transaction, after the write.
    """
    changes = [(before, after) for before, after in changes if before != after]
    if not changes:
        return
    for table in TABLES:
        _add(table, deltas(table, changes))


def _add(table: Table, added: dict[tuple, list[int]]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n, in batches, keys in sorted order."""
    if not added:
        return
    quote = connection.ops.quote_name
    name = quote(table.model._meta.db_table)
    columns = [*table.key_fields, *table.count_fields]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in table.count_fields)
    keys = sorted(added)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), UPSERT_BATCH):
            batch = keys[start : start + UPSERT_BATCH]
            # Table and column names come from the model; every value goes as a parameter.
            cursor.execute(
                f"INSERT INTO {name} ({', '.join(map(quote, columns))}) "
                f"VALUES {', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT ({', '.join(map(quote, table.key_fields))}) DO UPDATE SET {updates}",
                [value for key in batch for value in (*key, *added[key])],
            )


def created(businesses: Iterable[Business]) -> None:
    """Count businesses just written by a bulk insert (which skips save())."""
    tally_changes((None, state_of(business)) for business in businesses)


@contextmanager
def tracking(pks: list[int]) -> Iterator[None]:
    """Around a bulk UPDATE of these businesses (which skips save()): count what it changed.

    The rows should already be locked (select_for_update), as the import's plan does, so nobody
    changes them between the two reads.
    """
    before = states_of(pks)
    yield
    after = states_of(pks)
    tally_changes((state, after.get(pk)) for pk, state in before.items())


@receiver(pre_delete, sender=Business, dispatch_uid="registry-tallies-delete")
def _uncount_deleted(instance: Business, **kwargs):
    """A deleted business leaves the figures; inside the delete's own transaction (also a queryset's)."""
    tally_changes([(locked_state(instance.pk), None)])


# --- checking and rebuilding -------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    kept: tuple
    fresh: tuple


def kept(table: Table) -> dict[tuple, tuple]:
    """The table's rows as key → counts, rows of zeros left out (a zero row is no row)."""
    width = len(table.key_fields)
    rows = table.model.objects.order_by().values_list(*table.key_fields, *table.count_fields)
    return {tuple(row[:width]): tuple(row[width:]) for row in rows if any(row[width:])}


def fresh(table: Table) -> dict[tuple, tuple]:
    """The same figures counted afresh from the business table: one GROUP BY."""
    keys = {f"key_{index}": expression for index, expression in enumerate(table.fresh_key)}
    counts = {f"count_{index}": aggregate for index, aggregate in enumerate(table.fresh_counts)}
    rows = Business.objects.order_by().values(**keys).annotate(**counts)
    return {tuple(row[name] for name in keys): tuple(row[name] for name in counts) for row in rows.iterator()}


def compare(table: Table, should: dict[tuple, tuple]) -> list[Difference]:
    have = kept(table)
    zeros = (0,) * len(table.count_fields)
    return [
        Difference(table.name, key, have.get(key, zeros), should.get(key, zeros))
        for key in sorted(have.keys() | should.keys(), key=repr)
        if have.get(key, zeros) != should.get(key, zeros)
    ]


def differences() -> list[Difference]:
    """Every kept figure that differs from a fresh count (none, when all is well)."""
    return [difference for table in TABLES for difference in compare(table, fresh(table))]


@transaction.atomic
def rebuild() -> list[Difference]:
    """Count every figure afresh and keep that; returns what differed from the kept figures.

    On PostgreSQL the business table is locked against writes (SHARE) until the new figures are in,
    so no write lands between the count and its keeping.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Business._meta.db_table)} IN SHARE MODE")
    found = []
    for table in TABLES:
        should = fresh(table)
        found += compare(table, should)
        table.model.objects.all().delete()
        table.model.objects.bulk_create(
            (_row(table, key, counts) for key, counts in should.items()), batch_size=2000
        )
    return found


def _row(table: Table, key: tuple, counts: tuple) -> models.Model:
    return table.model(
        **dict(zip(table.key_fields, key, strict=True)), **dict(zip(table.count_fields, counts, strict=True))
    )
