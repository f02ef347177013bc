import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coaching.models import (
    Assessment,
    Association,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    Expenditure,
    Programme,
)
from coaching.verdicts import store_verdicts
from registry.models import Business, Desa, Kecamatan, Sector


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = "Pengguna"
    password = factory.PostGenerationMethodCall("set_password", "kata-sandi-uji")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "admin":
                self.is_staff = self.is_superuser = True
        if create:
            self.save()


class BusinessFactory(factory.django.DjangoModelFactory):
    """A business in a real desa (the migration loads all 248)."""

    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Keripik Tempe Nomor {n}")
    owner_name = "Sri Wahyuni"
    desa = factory.LazyFunction(lambda: Desa.objects.get(code="35.05.03.2001"))  # Karanggayam
    kecamatan = factory.LazyAttribute(lambda o: o.desa.kecamatan)
    sector = factory.LazyFunction(lambda: Sector.objects.get(slug="makanan"))
    registered_on = datetime.date(2023, 5, 2)
    employees = 2
    turnover = 120_000_000
    capital = 25_000_000


def srengat():
    return Kecamatan.objects.get(name="Srengat")


def karanggayam():
    return Desa.objects.get(code="35.05.03.2001")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """The 2024 programme of DESIGN.md §1 (no kecamatan plan; programme_create makes one)."""

    class Meta:
        model = Programme

    year = 2024
    name = "Pembinaan UMKM 2024"
    budget_ceiling = 1_200_000_000
    naik_kelas_target = 170
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2024, 12, 31)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    programme = factory.SubFactory(ProgrammeFactory)
    business = factory.SubFactory(BusinessFactory)
    pendamping = None
    enrolled_on = datetime.date(2024, 1, 15)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A baseline by default; pass kind=Assessment.Kind.FOLLOW_UP and a later date for a follow-up."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    enrolment = factory.SubFactory(EnrolmentFactory)
    kind = Assessment.Kind.BASELINE
    assessed_on = datetime.date(2024, 2, 1)
    turnover = 120_000_000
    capital = 25_000_000
    employees = 2
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def stored_verdict(self, create, extracted, **kwargs):
        """Keep the enrolment's stored verdict current, as assessment_record does."""
        if create:
            store_verdicts(Enrolment.objects.filter(pk=self.enrolment_id))


class CoachingSessionFactory(factory.django.DjangoModelFactory):
    """A session in Srengat; pass topics=[...] to set its topics."""

    class Meta:
        model = CoachingSession
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    held_on = datetime.date(2024, 3, 5)
    kecamatan = factory.LazyFunction(srengat)
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class EventFactory(factory.django.DjangoModelFactory):
    """The on-site NIB drive in Desa Karanggayam, Kecamatan Srengat."""

    class Meta:
        model = Event

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Event.Kind.NIB
    name = "Fasilitasi NIB Karanggayam"
    held_on = datetime.date(2024, 6, 10)
    kecamatan = factory.LazyFunction(srengat)
    desa = factory.LazyFunction(karanggayam)
    partner = "DPMPTSP"


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Asosiasi UMKM Makanan Blitar {n}")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """A line of the 2024 programme: Rp 100.000.000 planned evenly over the four quarters."""

    class Meta:
        model = BudgetLine

    programme = factory.SubFactory(ProgrammeFactory)
    category = BudgetLine.Category.MEALS
    name = factory.Sequence(lambda n: f"Konsumsi kelas kelompok {n}")
    allocation = 100_000_000
    plan_q1 = 25_000_000
    plan_q2 = 25_000_000
    plan_q3 = 25_000_000
    plan_q4 = 25_000_000


class ExpenditureFactory(factory.django.DjangoModelFactory):
    """Rp 1.000.000 spent on 2 May 2024; saved straight to the table, past the services' guard."""

    class Meta:
        model = Expenditure

    budget_line = factory.SubFactory(BudgetLineFactory)
    spent_on = datetime.date(2024, 5, 2)
    amount = 1_000_000
    description = "Konsumsi kelas kelompok"
    receipt_number = factory.Sequence(lambda n: f"SPJ/{n:04d}/DKUKM/2024")
    recorded_by = factory.SubFactory(UserFactory)
