"""The API's JSON shapes; read-only, and the source of the OpenAPI description's schemas."""

from rest_framework import serializers

from registry.formatting import mask_nik
from registry.models import Business, Desa, Kecamatan, Sector
from registry.permissions import may_see_nik
from registry.sizes import SIZE_CLASS_CHOICES


def percent():
    """A share in percent, one decimal, as a JSON number (registry.formatting.share_percent)."""
    return serializers.DecimalField(max_digits=None, decimal_places=1, coerce_to_string=False)


class KecamatanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kecamatan
        fields = ["id", "code", "bps_code", "name"]


class DesaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Desa
        fields = ["id", "code", "name", "kind"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "slug", "name"]


# --- registry aggregates (no personal data) ---------------------------------------------------------


class CountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Nilai parameter filter daftar usaha untuk kelompok ini.")
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = percent()


class LegalSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    has = serializers.IntegerField()
    has_not = serializers.IntegerField()


class SectorCountSerializer(SectorSerializer):
    count = serializers.IntegerField()

    class Meta(SectorSerializer.Meta):
        fields = [*SectorSerializer.Meta.fields, "count"]


class KecamatanCountsSerializer(serializers.Serializer):
    kecamatan = KecamatanSerializer()
    total = serializers.IntegerField()
    by_sector = serializers.DictField(
        child=serializers.IntegerField(), help_text="Jumlah usaha per sektor, dengan kunci `slug` sektor."
    )


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()


class RegistryAggregatesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    with_nib = serializers.IntegerField()
    year = serializers.IntegerField(help_text="Tahun berjalan.")
    registered_this_year = serializers.IntegerField()
    sectors = SectorCountSerializer(many=True)
    kecamatan = KecamatanCountsSerializer(many=True)
    size_classes = CountSerializer(many=True)
    legal = LegalSerializer(many=True)
    registrations_by_year = YearCountSerializer(many=True)


# --- businesses -----------------------------------------------------------------------------------


class BusinessSerializer(serializers.ModelSerializer):
    owner_nik = serializers.SerializerMethodField(
        help_text="Utuh bila peran token boleh melihat NIK (admin, staf); selain itu disamarkan."
    )
    # Both may be empty: an unrecorded gender, a class not known for want of turnover and capital.
    owner_gender = serializers.ChoiceField(choices=[*Business.Gender.choices, ("", "Tidak diisi")])
    size_class = serializers.ChoiceField(choices=[*SIZE_CLASS_CHOICES, ("", "Belum diketahui")])
    kecamatan = KecamatanSerializer()
    desa = DesaSerializer()
    sector = SectorSerializer()

    class Meta:
        model = Business
        fields = [
            "id", "name", "owner_name", "owner_nik", "owner_gender", "phone", "nib", "address",
            "kecamatan", "desa", "sector", "kbli_code", "year_founded", "registered_on", "employees",
            "turnover", "capital", "has_pirt", "has_halal", "has_bpom", "has_brand", "sells_online",
            "has_financing", "status", "size_class", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_owner_nik(self, business) -> str | None:
        if not business.owner_nik:
            return None
        if may_see_nik(self.context["request"].user):
            return business.owner_nik
        return mask_nik(business.owner_nik)


# --- programmes -----------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    name = serializers.CharField()
    budget_ceiling = serializers.IntegerField(help_text="Pagu, rupiah.")
    naik_kelas_target = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    cohort_size = serializers.IntegerField()
    verified = serializers.IntegerField(help_text="Naik kelas yang sudah diverifikasi.")


class ProgressSerializer(serializers.Serializer):
    cohort = serializers.IntegerField()
    active = serializers.IntegerField()
    verified = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    target = serializers.IntegerField()
    sessions = serializers.IntegerField()
    planned_sessions = serializers.IntegerField()
    kecamatan_reached = serializers.IntegerField()
    kecamatan_total = serializers.IntegerField()
    attendances = serializers.IntegerField()
    hours = serializers.FloatField()


class CoverageRowSerializer(serializers.Serializer):
    kecamatan = KecamatanSerializer()
    planned = serializers.IntegerField()
    held = serializers.IntegerField()
    attendances = serializers.IntegerField()
    businesses = serializers.IntegerField()
    cohort = serializers.IntegerField()
    share = serializers.DecimalField(
        max_digits=None, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    shortfall = serializers.IntegerField()


class CoverageTotalsSerializer(serializers.Serializer):
    planned = serializers.IntegerField()
    held = serializers.IntegerField()
    attendances = serializers.IntegerField()
    cohort = serializers.IntegerField()
    reached = serializers.IntegerField()
    share = serializers.DecimalField(
        max_digits=None, decimal_places=1, coerce_to_string=False, allow_null=True
    )


class ProgrammeDetailSerializer(ProgrammeSerializer):
    progress = ProgressSerializer()
    coverage = CoverageRowSerializer(many=True, help_text="Per kecamatan, yang paling kurang terlayani dulu.")
    coverage_totals = CoverageTotalsSerializer()


class LineSerializer(serializers.Serializer):
    name = serializers.CharField()
    account_code = serializers.CharField(
        source="line.account_code",
        default="",
        help_text="Kode rekening belanja (5.1.02.xx.xx.xxxx); kosong bila belum diisi.",
    )
    category = serializers.CharField()
    allocation = serializers.IntegerField()
    plan_quarter = serializers.IntegerField()
    plan_to_date = serializers.IntegerField()
    spent_quarter = serializers.IntegerField()
    spent_to_date = serializers.IntegerField()
    remaining = serializers.IntegerField()
    percent = percent()


class QuarterSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    name = serializers.CharField()
    plan = serializers.IntegerField()
    spent = serializers.IntegerField()
    plan_cumulative = serializers.IntegerField()
    spent_cumulative = serializers.IntegerField()
    percent = percent()


class PhysicalSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    planned_sessions = serializers.IntegerField()
    kecamatan_reached = serializers.IntegerField()
    kecamatan_total = serializers.IntegerField()
    verified = serializers.IntegerField()
    target = serializers.IntegerField()
    sessions_percent = percent()
    kecamatan_percent = percent()
    verified_percent = percent()
    average_percent = percent()


class SubActivitySerializer(serializers.Serializer):
    """One sub-kegiatan as e-Monev reports it (the workbook's Monev sheet), with its budget lines."""

    code = serializers.CharField(
        help_text="Kode sub kegiatan SIPD (Permendagri 90/2019), atau tanda belum diisi."
    )
    name = serializers.CharField()
    allocation = serializers.IntegerField(help_text="Pagu, rupiah.")
    spent_quarter = serializers.IntegerField()
    spent_to_date = serializers.IntegerField()
    percent = percent()
    output_indicator = serializers.CharField()
    output_unit = serializers.CharField()
    output_target = serializers.IntegerField(allow_null=True)
    output_realised = serializers.IntegerField(allow_null=True)
    physical_percent = serializers.DecimalField(
        max_digits=None, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    lines = LineSerializer(many=True)


class RealisationSerializer(serializers.Serializer):
    programme = serializers.IntegerField(source="programme.pk")
    quarter = serializers.IntegerField()
    quarter_name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    as_of = serializers.DateField()
    lines = LineSerializer(many=True)
    sub_activities = SubActivitySerializer(
        many=True, help_text="Belanja per sub kegiatan SIPD, seperti e-Monev."
    )
    total = LineSerializer()
    quarters = QuarterSerializer(many=True)
    physical = PhysicalSerializer()
    unallocated = serializers.IntegerField()
    ceiling_remaining = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
