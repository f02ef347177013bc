"""What the preview page shows of a plan, kept as JSON on the RegistryImport."""

from .columns import FIELD_LABELS, display_value
from .plan import CREATE, ERROR, UPDATE, Plan

# How much of the plan the preview keeps for the page; the counts always cover every row.
PREVIEW_LIMITS = {"errors": 1000, "updates": 300, "creates": 100, "notes": 300}


def preview_data(plan: Plan) -> dict:
    """What the preview page shows, as JSON for RegistryImport.preview: samples of each kind, all capped."""
    errors, updates, creates, notes = [], [], [], []
    for row in plan.rows:
        if row.action == ERROR:
            errors.extend({"row": row.number, "column": column, "message": msg} for column, msg in row.errors)
        elif row.action == UPDATE:
            updates.append(
                {
                    "row": row.number,
                    "business_id": row.target,
                    "name": row.business.name,
                    "changes": [
                        {
                            "field": FIELD_LABELS[name],
                            "old": display_value(name, old),
                            "new": display_value(name, new),
                        }
                        for name, old, new in row.changes
                    ],
                }
            )
        elif row.action == CREATE:
            business = row.business
            creates.append(
                {
                    "row": row.number,
                    "name": business.name,
                    "owner_name": business.owner_name,
                    "desa": business.desa.name,
                    "kecamatan": business.kecamatan.name,
                    "sector": business.sector.name,
                    "turnover": display_value("turnover", business.turnover),
                }
            )
        if row.action != ERROR:
            notes.extend({"row": row.number, "message": note} for note in row.notes)
    data = {
        "sheet": plan.sheet.name,
        "header_row": plan.sheet.header_row,
        "columns": [
            {"header": header, "field": FIELD_LABELS[name]} for name, header in plan.sheet.headers.items()
        ],
        "ignored_columns": plan.sheet.ignored,
        "digest": plan.digest,
        "totals": {
            "errors": len(errors),
            "updates": len(updates),
            "creates": len(creates),
            "notes": len(notes),
        },
    }
    for key, items in (("errors", errors), ("updates", updates), ("creates", creates), ("notes", notes)):
        data[key] = items[: PREVIEW_LIMITS[key]]
    return data
