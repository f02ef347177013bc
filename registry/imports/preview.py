"""What the preview page shows of a plan, kept as JSON on the RegistryImport."""

from .columns import FIELD_LABELS, display_value
from .plan import CREATE, ERROR, UPDATE, Plan, RowPlan

# How much of the plan the preview keeps for the page; the totals always count every row. Only this
# many items are ever built, so a file of 100.000 bad rows keeps a preview of a few hundred kilobytes.
PREVIEW_LIMITS = {"errors": 1000, "updates": 300, "creates": 100, "notes": 300}


def _update(row: RowPlan) -> dict:
    return {
        "row": row.number,
        "business_id": row.target,
        "name": row.business.name,
        "changes": [
            {"field": FIELD_LABELS[name], "old": display_value(name, old), "new": display_value(name, new)}
            for name, old, new in row.changes
        ],
    }


def _create(row: RowPlan) -> dict:
    business = row.business
    return {
        "row": row.number,
        "name": business.name,
        "owner_name": business.owner_name,
        "desa": business.desa.name,
        "kecamatan": business.kecamatan.name,
        "sector": business.sector.name,
        "turnover": display_value("turnover", business.turnover),
    }


class Samples:
    """Items of each kind up to its limit, and how many there were in all."""

    def __init__(self):
        self.items = {key: [] for key in PREVIEW_LIMITS}
        self.totals = dict.fromkeys(PREVIEW_LIMITS, 0)

    def room(self, key: str) -> bool:
        return len(self.items[key]) < PREVIEW_LIMITS[key]

    def add(self, key: str, count: int, make) -> None:
        """Count `count` items; build them (make() returns a list) only while there is room."""
        self.totals[key] += count
        if count and self.room(key):
            self.items[key].extend(make()[: PREVIEW_LIMITS[key] - len(self.items[key])])


def preview_data(plan: Plan) -> dict:
    """What the preview page shows, as JSON for RegistryImport.preview: samples of each kind, all capped."""
    samples = Samples()
    for row in plan.rows:
        if row.action == ERROR:
            samples.add(
                "errors",
                len(row.errors),
                lambda row=row: [{"row": row.number, "column": c, "message": m} for c, m in row.errors],
            )
            continue
        if row.action == UPDATE:
            samples.add("updates", 1, lambda row=row: [_update(row)])
        elif row.action == CREATE:
            samples.add("creates", 1, lambda row=row: [_create(row)])
        samples.add(
            "notes", len(row.notes), lambda row=row: [{"row": row.number, "message": n} for n in row.notes]
        )
    return {
        "sheet": plan.sheet.name,
        "header_row": plan.sheet.header_row,
        "columns": [
            {"header": header, "field": FIELD_LABELS[name]} for name, header in plan.sheet.headers.items()
        ],
        "ignored_columns": plan.sheet.ignored[:50],
        "notices": plan.notices,
        "digest": plan.digest,
        "totals": samples.totals,
        **samples.items,
    }
