import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registry.models import Business, Desa, Sector


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
