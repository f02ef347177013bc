"""What both demo programmes share: people, places, topics, the registry pool and its NIBs."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from coaching.models import Association, Enrolment, Topic
from demo.associations import demo_associations
from demo.people import PENDAMPING_AREAS, pendamping_users
from registry.models import Business, Desa, Kecamatan

User = get_user_model()

# Fates of a cohort member in the story.
VERIFIED, WAITING, STEADY, WITHDRAWN = "verified", "waiting", "steady", "withdrawn"


class Nibs:
    """New 13-digit NIBs that no business in the registry has."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = set(Business.objects.exclude(nib=None).values_list("nib", flat=True))

    def __call__(self) -> str:
        while True:
            nib = str(self.rng.randrange(10**12, 10**13))
            if nib not in self.taken:
                self.taken.add(nib)
                return nib


@dataclass
class Member:
    """A business of a cohort and what happens to it in the story."""

    business: Business
    pendamping: User
    enrolled_on: datetime.date
    fate: str = STEADY
    baseline_on: datetime.date | None = None
    qualifies_on: datetime.date | None = None
    verified_on: datetime.date | None = None
    withdrawn_on: datetime.date | None = None
    follow_ups: list[datetime.date] = field(default_factory=list)
    blocked_gains: set[str] = field(default_factory=set)  # certificates left to a drive
    granted: dict[str, datetime.date] = field(default_factory=dict)  # certificates issued at a drive
    enrolment: Enrolment | None = None

    @property
    def sector(self) -> str:
        return self.business.sector.slug

    def present_on(self, day: datetime.date) -> bool:
        return self.enrolled_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


@dataclass
class Place:
    """A kecamatan, its desa, its pendamping and the businesses coached there."""

    kecamatan: Kecamatan
    desa: list[Desa]
    pendamping: User
    members: list[Member] = field(default_factory=list)
    guests: list[int] = field(default_factory=list)  # active businesses outside the cohort


@dataclass
class Row:
    """An active business of the registry, as much as picking a cohort needs."""

    id: int
    kecamatan_id: int
    desa_code: str
    sector: str
    size_class: str
    nib: str | None
    registered_on: datetime.date


@dataclass
class Context:
    """What both programmes share: people, places, topics, the registry pool and its NIBs."""

    rng: random.Random
    seed: int
    today: datetime.date
    staf: User
    admin: User
    places: dict[int, Place]
    pool: list[Row]
    pool_by_kecamatan: dict[int, list[Row]]
    desa: dict[int, Desa]
    desa_by_code: dict[str, Desa]
    kecamatan_by_name: dict[str, Kecamatan]
    topics: dict[str, Topic]
    associations: list[Association]
    nibs: Nibs
    taken: set[int] = field(default_factory=set)  # businesses already in a demo cohort


def build_context(*, seed: int, today: datetime.date) -> Context:
    """The shared context, creating the demo coaches and associations when missing."""
    desa = Desa.objects.select_related("kecamatan").in_bulk()
    kecamatan_by_name = {k.name: k for k in Kecamatan.objects.all()}
    coaches = pendamping_users()
    places = {}
    for username, _, names in PENDAMPING_AREAS:
        for name in names:
            kecamatan = kecamatan_by_name[name]
            local = sorted((d for d in desa.values() if d.kecamatan_id == kecamatan.pk), key=lambda d: d.code)
            places[kecamatan.pk] = Place(kecamatan=kecamatan, desa=local, pendamping=coaches[username])
    pool = [
        Row(*values)
        for values in Business.objects.filter(status=Business.Status.ACTIVE)
        .order_by("id")
        .values_list("id", "kecamatan_id", "desa__code", "sector__slug", "size_class", "nib", "registered_on")
    ]
    pool_by_kecamatan = defaultdict(list)
    for row in pool:
        pool_by_kecamatan[row.kecamatan_id].append(row)
    rng = random.Random(f"coaching-{seed}")
    admin = User.objects.get(username="admin")
    return Context(
        rng=rng,
        seed=seed,
        today=today,
        staf=User.objects.get(username="staf"),
        admin=admin,
        places=places,
        pool=pool,
        pool_by_kecamatan=pool_by_kecamatan,
        desa=desa,
        desa_by_code={d.code: d for d in desa.values()},
        kecamatan_by_name=kecamatan_by_name,
        topics={topic.slug: topic for topic in Topic.objects.all()},
        associations=demo_associations(admin),
        nibs=Nibs(rng),
    )
