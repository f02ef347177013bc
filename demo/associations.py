"""The associations that businesses join once they moved up (DESIGN.md §1)."""

import datetime

from coaching import services
from coaching.models import Association, Enrolment
from registry.models import Sector

ASSOCIATIONS = [
    ("Asosiasi UMKM Makanan dan Minuman Kabupaten Blitar", "makanan", "Hj. Sulastri Wibowo"),
    ("Paguyuban Perajin Blitar", "kerajinan", "Slamet Riyadi"),
    ("Forum UMKM Fesyen dan Batik Kabupaten Blitar", "fesyen", "Dewi Kartikasari"),
    ("Paguyuban Olahan Hasil Tani Blitar", "pertanian-olahan", "Sugeng Hartono"),
    ("Forum UMKM Naik Kelas Kabupaten Blitar", None, "Imam Santoso"),
]
# Which association a sector's businesses join; the forum takes every other sector.
ASSOCIATION_FOR_SECTOR = {"makanan": 0, "minuman": 0, "kerajinan": 1, "suvenir": 1, "fesyen": 2}
ASSOCIATION_FOR_SECTOR["pertanian-olahan"] = 3
FORUM = 4


def demo_associations(admin) -> list[Association]:
    """The demo associations, created by `admin` when missing."""
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    existing = {a.name: a for a in Association.objects.filter(name__in=[a[0] for a in ASSOCIATIONS])}
    result = []
    for name, slug, contact in ASSOCIATIONS:
        association = existing.get(name) or services.association_create(
            user=admin,
            fields={
                "name": name,
                "sector": sectors.get(slug),
                "contact": contact,
                "notes": "Wadah UMKM binaan yang sudah naik kelas untuk saling belajar dan tetap didampingi.",
            },
        )
        result.append(association)
    return result


class MembershipsMixin:
    """Memberships of the businesses that moved up (for ProgrammeBuilder)."""

    def _memberships(self) -> None:
        """Businesses that moved up join an asosiasi to keep being mentored (DESIGN.md §1)."""
        associations = self.ctx.associations
        for member in sorted(self.members, key=lambda m: (m.verified_on or datetime.date.max, m.business.pk)):
            if member.enrolment.status != Enrolment.Status.NAIK_KELAS or self.rng.random() < 0.12:
                continue
            joined_on = member.verified_on + datetime.timedelta(days=self.rng.randint(7, 40))
            if joined_on > self.today:
                continue
            association = associations[ASSOCIATION_FOR_SECTOR.get(member.sector, FORUM)]
            services.membership_add(
                association=association, business=member.business, joined_on=joined_on, user=self.ctx.staf
            )
