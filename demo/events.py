"""Drives and the expo: the certificate drive, the NIB drive in Karanggayam, the products fair."""

import datetime

from coaching import services
from coaching.models import Enrolment, Event, EventParticipant
from demo.assessments import FOOD_SECTORS
from demo.context import VERIFIED, WAITING
from demo.registry import KARANGGAYAM
from registry.models import Business


class EventsMixin:
    """A programme's drives and expo with their participants' outcomes (for ProgrammeBuilder)."""

    def _plan_certificate_drive(self) -> dict | None:
        rng, year = self.rng, self.spec.year
        if year == 2024:
            plan = {
                "indicator": "has_halal",
                "fields": {
                    "kind": Event.Kind.HALAL,
                    "name": "Fasilitasi Sertifikat Halal Gratis (Self Declare) bagi UMKM Binaan 2024",
                    "held_on": datetime.date(year, 8, 24),
                    "kecamatan": self.ctx.kecamatan_by_name["Kanigoro"],
                    "venue": "Aula Dinas Koperasi dan Usaha Mikro Kabupaten Blitar, Kanigoro",
                    "partner": "Kantor Kementerian Agama Kabupaten Blitar (Satgas Halal)",
                    "notes": "Pendamping proses produk halal membantu pengisian data di lokasi.",
                },
            }
        else:
            plan = {
                "indicator": "has_pirt",
                "fields": {
                    "kind": Event.Kind.PIRT,
                    "name": f"Fasilitasi SPP-IRT dan Penyuluhan Keamanan Pangan {year}",
                    "held_on": datetime.date(year, 7, 16),
                    "kecamatan": self.ctx.kecamatan_by_name["Talun"],
                    "venue": "Pendopo Kecamatan Talun",
                    "partner": "Dinas Kesehatan Kabupaten Blitar",
                    "notes": "Penyuluhan keamanan pangan sebagai syarat SPP-IRT.",
                },
            }
        held_on = plan["fields"]["held_on"]
        if held_on > self.today:
            return None
        indicator = plan["indicator"]
        # Only businesses on their way up take part, so a certificate never makes a candidate by accident.
        pool = [
            member
            for member in self.members
            if member.fate in (VERIFIED, WAITING)
            and member.sector in FOOD_SECTORS
            and not getattr(member.business, indicator)
        ]
        participants = rng.sample(pool, min(len(pool), 25))
        outcomes = {}
        for member in participants:
            member.blocked_gains.add(indicator)
            roll = rng.random()
            issued_on = held_on + datetime.timedelta(days=rng.randint(14, 35))
            if roll < 0.65 and issued_on <= self.today:
                outcomes[member.business.pk] = (EventParticipant.Outcome.ISSUED, issued_on)
                member.granted[indicator] = issued_on
            elif roll < 0.9:
                outcomes[member.business.pk] = (EventParticipant.Outcome.APPLIED, held_on)
        plan["participants"] = [member.business for member in participants]
        plan["outcomes"] = outcomes
        return plan

    def _record_certificate_drive(self, plan: dict | None) -> None:
        if plan is None:
            return
        self._record_event(plan["fields"], plan["participants"], plan["outcomes"])

    def _record_event(self, fields: dict, businesses: list, outcomes: dict, nibs: dict | None = None):
        staf = self.ctx.staf
        event = services.event_create(user=staf, fields={"programme": self.programme, **fields})
        services.event_add_participants(event=event, businesses=businesses, user=staf)
        participants = {p.business_id: p for p in event.participants.all()}
        for business in businesses:
            if business.pk not in outcomes:
                continue
            outcome, outcome_on = outcomes[business.pk]
            if outcome == EventParticipant.Outcome.ISSUED and outcome_on > fields["held_on"]:
                # Applied on the day, issued later: both steps show on the business timeline.
                services.event_participant_set_outcome(
                    participant=participants[business.pk],
                    outcome=EventParticipant.Outcome.APPLIED,
                    user=staf,
                    outcome_on=fields["held_on"],
                )
            services.event_participant_set_outcome(
                participant=participants[business.pk],
                outcome=outcome,
                user=staf,
                nib=(nibs or {}).get(business.pk, ""),
                outcome_on=outcome_on,
            )
        return event

    def _nib_drive(self) -> None:
        """DPMPTSP issues NIB on site at the pondok in Karanggayam (DESIGN.md §1)."""
        rng, year = self.rng, self.spec.year
        karanggayam = self.ctx.desa_by_code.get(KARANGGAYAM)
        held_on = datetime.date(year, 3, 2)
        if karanggayam is None or held_on > self.today:
            return
        members = {member.business.pk for member in self.members}
        rows = [
            row
            for row in self.ctx.pool_by_kecamatan[karanggayam.kecamatan_id]
            if row.nib is None and row.id not in members and row.registered_on <= held_on
        ]
        hot = [row.id for row in rows if row.desa_code == KARANGGAYAM]
        rest = [row.id for row in rows if row.desa_code != KARANGGAYAM]
        rng.shuffle(hot)
        rng.shuffle(rest)
        chosen = (hot + rest)[: rng.randint(44, 56)]
        businesses = Business.objects.in_bulk(chosen)
        participants = [businesses[pk] for pk in chosen]
        outcomes, nibs = {}, {}
        for business in participants:
            roll = rng.random()
            if roll < 0.7:
                outcomes[business.pk] = (EventParticipant.Outcome.ISSUED, held_on)
            elif roll < 0.8:
                issued_on = held_on + datetime.timedelta(days=rng.randint(7, 20))
                outcomes[business.pk] = (EventParticipant.Outcome.ISSUED, min(issued_on, self.today))
            elif roll < 0.92:
                outcomes[business.pk] = (EventParticipant.Outcome.APPLIED, held_on)
            if business.pk in outcomes and outcomes[business.pk][0] == EventParticipant.Outcome.ISSUED:
                nibs[business.pk] = self.ctx.nibs()
        self._record_event(
            {
                "kind": Event.Kind.NIB,
                "name": f"Jemput Bola Penerbitan NIB di Pondok Pesantren Desa Karanggayam {year}",
                "held_on": held_on,
                "kecamatan": karanggayam.kecamatan,
                "desa": karanggayam,
                "venue": "Halaman pondok pesantren, Desa Karanggayam",
                "partner": "DPMPTSP Kabupaten Blitar",
                "notes": "Layanan OSS di lokasi bersamaan dengan pengajian mingguan; "
                "pelaku usaha membawa KTP dan nomor HP aktif.",
            },
            participants,
            outcomes,
            nibs,
        )

    def _expo(self) -> None:
        held_on = datetime.date(self.spec.year, 11, 16)
        if held_on > self.today:
            return
        showing = [
            m.business
            for m in self.members
            if m.enrolment.status == Enrolment.Status.NAIK_KELAS and m.verified_on < held_on
        ]
        self._record_event(
            {
                "kind": Event.Kind.EXPO,
                "name": f"Gelar Produk UMKM Naik Kelas Kabupaten Blitar {self.spec.year}",
                "held_on": held_on,
                "kecamatan": self.ctx.kecamatan_by_name["Kanigoro"],
                "venue": "Pendopo Ronggo Hadi Negoro, Kanigoro",
                "partner": "Dekranasda Kabupaten Blitar",
                "notes": "Stan untuk UMKM yang sudah naik kelas.",
            },
            self.rng.sample(showing, min(len(showing), 30)),
            {},
        )
