"""Two people saving spending at the same moment: the row lock lets only one of them overrun-proof.

Runs against PostgreSQL only: SQLite has no row locks (it serialises whole-database writes instead), so
the race this guards against cannot be staged there. CI runs the suite on PostgreSQL and fails on skips.
"""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from coaching import services
from coaching.models import Expenditure
from tests.factories import BudgetLineFactory, ProgrammeFactory, UserFactory

pytestmark = [
    # Each thread needs its own connection that sees committed rows, hence a transactional test; the
    # flush after one would empty the tables the migrations fill, so they are loaded back before each.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

# Long enough that, without the lock, the second save reads the sums before the first one commits.
RACE_WINDOW_SECONDS = 0.5


@pytest.fixture
def slow_saves(monkeypatch):
    """Each save pauses after it has read what was spent and before it writes, as a slow request would:
    the pause is where two saves without a lock would both see room for themselves."""
    check = services.budget._check_within_budget

    def slow_check(**kwargs):
        check(**kwargs)
        time.sleep(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services.budget, "_check_within_budget", slow_check)


def save_at_the_same_moment(entries, *, user) -> list[str]:
    """Save one expenditure per (line, amount), each from its own thread and connection, all at once.

    Returns, in the same order, "saved" or the message of the refusal.
    """
    start = threading.Barrier(len(entries))
    outcomes = [None] * len(entries)

    def save(index, line, amount):
        try:
            start.wait()
            services.expenditure_add(
                user=user,
                fields={"budget_line": line, "spent_on": datetime.date(2024, 5, 2), "amount": amount,
                        "description": f"Belanja {index + 1}", "receipt_number": "", "session": None,
                        "event": None},
            )  # fmt: skip
            outcomes[index] = "saved"
        except ValidationError as error:
            outcomes[index] = error.message_dict["amount"][0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i, *entry)) for i, entry in enumerate(entries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_of_two_concurrent_expenditures_that_together_overrun_the_line_exactly_one_is_saved(slow_saves):
    user = UserFactory(role="staf")
    line = BudgetLineFactory(programme=ProgrammeFactory(), name="Konsumsi", allocation=100_000_000,
                             plan_q1=100_000_000, plan_q2=0, plan_q3=0, plan_q4=0)  # fmt: skip

    outcomes = save_at_the_same_moment([(line, 60_000_000), (line, 50_000_000)], user=user)

    assert outcomes.count("saved") == 1
    refused = next(outcome for outcome in outcomes if outcome != "saved")
    saved = list(Expenditure.objects.values_list("amount", flat=True))
    assert len(saved) == 1
    # The one refused waited for the other to commit and was told what was left after it.
    left = f"{100_000_000 - saved[0]:,}".replace(",", ".")
    assert refused.startswith(f"Melebihi sisa mata anggaran “Konsumsi”: sisa Rp {left}")


def test_of_two_concurrent_expenditures_on_two_lines_that_together_overrun_the_ceiling_one_is_saved(
    slow_saves,
):
    # Both lines have room and only the programme's ceiling (Rp 100 juta) is short: lines written past
    # the services' guard, as if the ceiling had been cut after they were set.
    user = UserFactory(role="staf")
    programme = ProgrammeFactory(budget_ceiling=100_000_000)
    meals = BudgetLineFactory(programme=programme, name="Konsumsi")
    venue = BudgetLineFactory(programme=programme, name="Sewa tempat")

    outcomes = save_at_the_same_moment([(meals, 60_000_000), (venue, 50_000_000)], user=user)

    assert outcomes.count("saved") == 1
    assert next(outcome for outcome in outcomes if outcome != "saved").startswith(
        "Melebihi sisa pagu program"
    )
    assert Expenditure.objects.count() == 1


def test_concurrent_expenditures_that_fit_together_are_all_saved(slow_saves):
    user = UserFactory(role="staf")
    line = BudgetLineFactory(programme=ProgrammeFactory(), allocation=100_000_000, plan_q1=100_000_000,
                             plan_q2=0, plan_q3=0, plan_q4=0)  # fmt: skip

    outcomes = save_at_the_same_moment([(line, 50_000_000), (line, 50_000_000)], user=user)

    assert outcomes == ["saved", "saved"]
    assert sum(Expenditure.objects.values_list("amount", flat=True)) == 100_000_000
