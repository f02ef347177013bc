"""A drive of 300 walk-ins recorded on five phones, sent the way phones send: in batches, some of them
twice (an answer lost on the way back), one phone from two tabs at once, and 50 people registered on
two phones. Every business is created once, every repeat is reported, and it takes ≤ 10 s.

On PostgreSQL (CI) the phones send at the same time, each in a thread with its own connection, so the
UUID's unique constraint and the NIK's are what stop the doubles. SQLite has no row locks and refuses
a second writer outright, so there the same sends run one after another.
"""

import json
import random
import threading
import time
import uuid
from collections import Counter

import pytest
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


def run_phone(user, sends: list[list[dict]], answers: list, failures: list) -> None:
    client = Client()
    client.force_login(user)
    try:
        for batch in sends:
            response = client.post(
                reverse("fieldwork:sync"), json.dumps({"records": batch}), content_type="application/json"
            )
            if response.status_code != 200:
                failures.append(response.status_code)
                continue
            answers.extend(response.json()["results"])
    except Exception as error:  # noqa: BLE001 — reported by the test, not lost in the thread
        failures.append(repr(error))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_hundred_walk_ins_on_five_phones_create_every_business_once(field):
    queues = phone_queues(field.drive, Sector.objects.get(slug="makanan").pk)
    second_tab = list(reversed(queues[0]))  # phone 1's queue, sent again from another tab at once
    plans = [sends_of(queue) for queue in queues] + [[second_tab[i : i + BATCH] for i in range(0, 70, BATCH)]]
    users = [field.users["pendamping"], field.users["staf"]]
    answers, failures = [], []
    threads = [
        threading.Thread(target=run_phone, args=(users[number % 2], plan, answers, failures))
        for number, plan in enumerate(plans)
    ]
    sent = Counter(record["uuid"] for plan in plans for batch in plan for record in batch)

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for thread in threads:
            thread.start()
            thread.join()
    elapsed = time.perf_counter() - started

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
    print(f"\n{len(answers)} answers for {len(sent)} records from {len(plans)} senders in {elapsed:.2f} s")
    assert elapsed <= 10
