"""Fill the stored naik-kelas verdict of every enrolment, and start the history of the associations and
session plans that existed before they kept one."""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

from coaching import rules


def store_verdicts(apps, schema_editor):
    """The rule as coaching.verdicts runs it: the latest assessment against the baseline."""
    Assessment = apps.get_model("coaching", "Assessment")
    Enrolment = apps.get_model("coaching", "Enrolment")
    by_enrolment = defaultdict(list)
    for assessment in Assessment.objects.order_by("enrolment_id", "assessed_on", "id"):
        by_enrolment[assessment.enrolment_id].append(assessment)
    changed = []
    for enrolment in Enrolment.objects.select_related("programme"):
        assessments = by_enrolment[enrolment.pk]
        baseline = next((a for a in assessments if a.kind == "awal"), None)
        latest = assessments[-1] if assessments else None
        settings = rules.RuleSettings(
            min_new_indicators=enrolment.programme.min_new_indicators,
            turnover_growth_percent=enrolment.programme.turnover_growth_percent,
        )
        verdict = rules.evaluate(baseline, latest, settings)
        enrolment.is_candidate = verdict.is_candidate
        enrolment.candidate_criteria = "; ".join(verdict.criteria)
        changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["is_candidate", "candidate_criteria"], batch_size=500)


def start_history(apps, schema_editor):
    now = timezone.now()
    for model_name, fields in (
        ("Association", ["id", "name", "sector_id", "contact", "notes"]),
        ("KecamatanPlan", ["id", "programme_id", "kecamatan_id", "planned_sessions"]),
    ):
        model = apps.get_model("coaching", model_name)
        historical = apps.get_model("coaching", f"Historical{model_name}")
        historical.objects.bulk_create(
            [
                historical(
                    **{field: getattr(row, field) for field in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Riwayat mulai dicatat",
                )
                for row in model.objects.all()
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [("coaching", "0006_history_and_stored_verdict")]

    operations = [
        migrations.RunPython(store_verdicts, migrations.RunPython.noop),
        migrations.RunPython(start_history, migrations.RunPython.noop),
    ]
