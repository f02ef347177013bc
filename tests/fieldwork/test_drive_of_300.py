"""A drive of 300 walk-ins recorded on five phones, sent the way phones send: in batches, some of them
twice (an answer lost on the way back), one phone from two tabs at once, and 50 people registered on
two phones. Every business is created once and every repeat is reported. The time it takes is printed,
not asserted: a timed test fails with the machine's load, not with the code (5,5–8 s on a quiet machine).

The phones' batches reach the server interleaved, as when they send in the same minutes; on
PostgreSQL (CI) the second tab sends at the same moment from a thread with its own connection, so the
UUID's unique constraint is what stops the doubles. SQLite has no row locks and refuses a second
writer outright, so there the tab sends after the phones.
"""

import itertools
import json
import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from coaching.models import EventParticipant
from fieldwork.models import OfflineRecord
from registry.models import Business, Sector

from .conftest import nik, walk_in

PHONES = 5
PEOPLE = 300
OVERLAP = 10  # each phone also registers the first ten people of the next phone's share
BATCH = 20


def phone_queues(event, sector) -> list[list[dict]]:
    share = PEOPLE // PHONES
    queues = []
    for phone in range(PHONES):
        people = list(range(phone * share, (phone + 1) * share))
        people += [((phone + 1) % PHONES) * share + j for j in range(OVERLAP)]
        random.Random(phone).shuffle(people)
        queues.append([walk_in(uuid.uuid4(), event, person, sector=sector) for person in people])
    return queues


def sends_of(queue: list[dict]) -> list[list[dict]]:
    """The batches a phone posts: every third batch again, as when its answer was lost."""
    batches = [queue[start : start + BATCH] for start in range(0, len(queue), BATCH)]
    sends = []
    for number, batch in enumerate(batches):
        sends.append(batch)
        if number % 3 == 2:
            sends.append(batch)
    return sends


def run_sends(sends: list[tuple[int, list[dict]]]) -> tuple[list, list]:
    """Post each (user, batch) in turn, each user logged in once; the answers, and what went wrong."""
    answers, failures, clients = [], [], {}
    try:
        for user_pk, batch in sends:
            if user_pk not in clients:
                clients[user_pk] = Client()
                clients[user_pk].force_login(get_user_model().objects.get(pk=user_pk))
            response = clients[user_pk].post(
                reverse("fieldwork:sync"), json.dumps({"records": batch}), content_type="application/json"
            )
            if response.status_code != 200:
                failures.append(response.status_code)
                continue
            answers.extend(response.json()["results"])
    except Exception as error:  # noqa: BLE001 — reported by the test, not lost in the thread
        failures.append(repr(error))
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()
    return answers, failures


def round_robin(plans: list[list[tuple[int, list[dict]]]]) -> list[tuple[int, list[dict]]]:
    """The phones' batches as they reach the server when the phones send in the same minutes."""
    return [send for turn in itertools.zip_longest(*plans) for send in turn if send is not None]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_hundred_walk_ins_on_five_phones_create_every_business_once(field):
    queues = phone_queues(field.drive, Sector.objects.get(slug="makanan").pk)
    users = [field.users["pendamping"].pk, field.users["staf"].pk]
    phones = [
        [(users[number % 2], batch) for batch in sends_of(queue)] for number, queue in enumerate(queues)
    ]
    second_tab = list(reversed(queues[0]))  # phone 1's queue, sent again from another tab at once
    tab = [(users[0], second_tab[start : start + BATCH]) for start in range(0, len(second_tab), BATCH)]
    sent = Counter(record["uuid"] for plan in [*phones, tab] for _, batch in plan for record in batch)

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # The second tab sends at the very moment the phones do, each on a connection of its own: the
        # UUID's unique constraint, not a look-up first, is what keeps its records from doubling.
        with ThreadPoolExecutor(max_workers=1) as other_tab:
            tab_outcome = other_tab.submit(run_sends, tab)
            outcomes = [run_sends(round_robin(phones)), tab_outcome.result()]
    else:
        outcomes = [run_sends(round_robin(phones)), run_sends(tab)]
    elapsed = time.perf_counter() - started

    answers = [answer for phone_answers, _ in outcomes for answer in phone_answers]
    failures = [failure for _, phone_failures in outcomes for failure in phone_failures]
    assert not failures
    assert len(answers) == sum(sent.values())
    niks = [nik(person) for person in range(PEOPLE)]
    created = Business.objects.filter(owner_nik__in=niks)
    assert created.count() == PEOPLE
    assert EventParticipant.objects.filter(event=field.drive, business__in=created).count() == PEOPLE
    # Each record taken once (accepted, or matched to the business the other phone registered) ...
    taken = Counter(a["uuid"] for a in answers if a["status"] in ("diterima", "cocok"))
    assert taken == Counter(set(sent))
    # ... and every other send of it reported as a repeat; nothing refused.
    statuses = Counter(a["status"] for a in answers)
    assert statuses["sudah_diterima"] == sum(sent.values()) - len(sent)
    assert statuses["ditolak"] == 0
    assert statuses["cocok"] == PHONES * OVERLAP == OfflineRecord.objects.filter(status="cocok").count()
    assert OfflineRecord.objects.count() == len(sent) == PEOPLE + PHONES * OVERLAP
    print(f"\n{len(answers)} answers for {len(sent)} records from six senders in {elapsed:.2f} s")
