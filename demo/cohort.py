"""Who is coached: a cohort drawn per kecamatan from the active registry, enrolled in two batches."""

import datetime
from collections import defaultdict

from coaching import services
from demo.context import Member
from demo.draws import field_day, random_day, weighted_sample
from demo.registry import KARANGGAYAM
from registry.models import Business

# The cohort leans to food, drinks and crafts (DESIGN.md §1) and to micro businesses.
COHORT_SECTOR_WEIGHTS = {
    "makanan": 3, "minuman": 3, "kerajinan": 3, "pertanian-olahan": 1.5, "fesyen": 1.5,
    "suvenir": 1, "jasa-foto": 0.7, "jasa-lainnya": 0.5, "perdagangan": 0.4,
}  # fmt: skip
COHORT_CLASS_WEIGHTS = {"mikro": 1.0, "kecil": 0.6, "menengah": 0.1, "": 0.3}
# Share of the active registry one cohort may take, so that a small demo registry still has guests.
COHORT_MAX_SHARE = 10


class CohortMixin:
    """The cohort and its enrolments (for ProgrammeBuilder)."""

    def _cohort_size(self) -> int:
        return min(self.spec.cohort_size, len(self.ctx.pool) // COHORT_MAX_SHARE)

    def _enrol(self) -> None:
        rng, spec = self.rng, self.spec
        size = self._cohort_size()
        places = self.ctx.places
        quotas = dict.fromkeys(places, size // len(places))
        for kecamatan_id in rng.sample(sorted(places), size % len(places)):
            quotas[kecamatan_id] += 1
        first_day = datetime.date(spec.year, 1, 1)
        picked: list[int] = []
        for kecamatan_id in sorted(places):
            rows = [
                row
                for row in self.ctx.pool_by_kecamatan[kecamatan_id]
                if row.id not in self.ctx.taken and row.registered_on < first_day
            ]
            quota = quotas[kecamatan_id]
            # Karanggayam's boom draws the office there first (DESIGN.md §1).
            hot = [row for row in rows if row.desa_code == KARANGGAYAM and row.nib is None]
            chosen = [row.id for row in rng.sample(hot, min(len(hot), 3, quota))] if spec.year == 2024 else []
            weights = {
                row.id: COHORT_SECTOR_WEIGHTS.get(row.sector, 0.5)
                * COHORT_CLASS_WEIGHTS.get(row.size_class, 0.3)
                for row in rows
                if row.id not in chosen
            }
            chosen += weighted_sample(rng, weights, quota - len(chosen))
            picked += chosen
        self.ctx.taken.update(picked)
        businesses = Business.objects.select_related("sector").in_bulk(picked)

        # Each pendamping enrols the businesses of a kecamatan in two batches, January and February.
        batches: dict[tuple[int, datetime.date], list[Business]] = defaultdict(list)
        for kecamatan_id in sorted(places):
            place = places[kecamatan_id]
            january = field_day(
                random_day(rng, datetime.date(spec.year, 1, 8), datetime.date(spec.year, 1, 31))
            )
            february = field_day(
                random_day(rng, datetime.date(spec.year, 2, 1), datetime.date(spec.year, 2, 27))
            )
            for business_id in picked:
                business = businesses[business_id]
                if business.kecamatan_id != kecamatan_id:
                    continue
                enrolled_on = january if rng.random() < 0.7 else february
                if enrolled_on > self.today:
                    continue
                member = Member(business=business, pendamping=place.pendamping, enrolled_on=enrolled_on)
                place.members.append(member)
                self.members.append(member)
                batches[(kecamatan_id, enrolled_on)].append(business)
        for place in places.values():
            members = {member.business.pk for member in place.members}
            # Guests are businesses already in the registry when the programme starts.
            place.guests = [
                row.id
                for row in self.ctx.pool_by_kecamatan[place.kecamatan.pk]
                if row.id not in members and row.registered_on < first_day
            ]
        enrolments = {}
        for (kecamatan_id, enrolled_on), group in sorted(batches.items()):
            for enrolment in services.enrolment_create_many(
                programme=self.programme,
                businesses=group,
                pendamping=places[kecamatan_id].pendamping,
                user=self.ctx.staf,
                enrolled_on=enrolled_on,
            ):
                enrolments[enrolment.business_id] = enrolment
        for member in self.members:
            member.enrolment = enrolments[member.business.pk]
