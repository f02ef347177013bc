"""The API's endpoints: each reads one selector of registry or coaching and answers JSON; GET only."""

import logging

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import generics
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching import selectors as coaching
from coaching.models import Programme
from coaching.periods import parse_quarter
from privacy import access
from registry.filters import BusinessFilter
from registry.pagination import RegistryPaginator
from registry.permissions import may_see_nik
from registry.selectors import LEGAL_SHARES, SIZE_CLASS_SHARES, business_list, registry_overview
from registry.sizes import SIZE_CLASS_UNKNOWN

from . import serializers
from .authentication import ApiTokenAuthentication
from .permissions import RoleRight

nik_log = logging.getLogger("umkm_blitar.api.nik")

ERRORS = {
    401: OpenApiResponse(serializers.ErrorSerializer, "Tanpa token, atau token salah/dicabut."),
    403: OpenApiResponse(serializers.ErrorSerializer, "Peran token tidak berhak."),
    429: OpenApiResponse(serializers.ErrorSerializer, "Terlalu banyak permintaan untuk token ini."),
}
NOT_FOUND = {404: OpenApiResponse(serializers.ErrorSerializer, "Tidak ada.")}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="ID (bilangan bulat).")
BAD_FILTER = {400: OpenApiResponse(OpenApiTypes.OBJECT, "Parameter filter tidak sah: pesan per parameter.")}


class OpenApiView(SpectacularJSONAPIView):
    """The OpenAPI 3 description; like the data, it answers only a valid token (DESIGN.md §2: no public
    page but the login). drf-spectacular would serve it to anyone: the API's own classes put it back."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [RoleRight]


class BusinessPagination(PageNumberPagination):
    # The registry list's paginator: past 10.000 matches the exact count is kept a minute, not redone
    # on every page.
    django_paginator_class = RegistryPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RegistryAggregatesView(APIView):
    required_right = "registry.view_business"

    @extend_schema(
        summary="Agregat registri UMKM",
        description="Jumlah usaha per kecamatan × sektor, per kelas usaha, per legalitas, dan per tahun "
        "masuk registri. Tanpa data pribadi.",
        responses={200: serializers.RegistryAggregatesSerializer, **ERRORS},
    )
    def get(self, request):  # noqa: ARG002 (a view's signature)
        today = timezone.localdate()
        overview = registry_overview(today=today)
        total, active, with_nib, this_year = overview.headline
        data = {
            "total": total.count,
            "active": active.count,
            "with_nib": with_nib.count,
            "year": today.year,
            "registered_this_year": this_year.count,
            "sectors": [
                {"id": sector.pk, "slug": sector.slug, "name": sector.name, "count": figure.count}
                for sector, figure in zip(overview.sectors, overview.sector_totals, strict=True)
            ],
            "kecamatan": [
                {
                    "kecamatan": row.kecamatan,
                    "total": row.total.count,
                    "by_sector": {
                        sector.slug: cell.count
                        for sector, cell in zip(overview.sectors, row.cells, strict=True)
                    },
                }
                for row in overview.rows
            ],
            "size_classes": [
                {
                    "code": code or SIZE_CLASS_UNKNOWN,
                    "label": figure.label,
                    "count": figure.count,
                    "share": figure.share,
                }
                for (code, _), figure in zip(SIZE_CLASS_SHARES, overview.size_classes, strict=True)
            ],
            "legal": [
                {"code": param, "label": has.label, "has": has.count, "has_not": has_not.count}
                for (param, _, _), (has, has_not) in zip(LEGAL_SHARES, overview.legal, strict=True)
            ],
            "registrations_by_year": [
                {"year": year, "count": count} for year, count in sorted(overview.new_by_year.items())
            ],
        }
        return Response(serializers.RegistryAggregatesSerializer(data).data)


class BusinessReader:
    """What both business endpoints share: the list with its joins, and a line in the NIK log for every
    whole NIK given out (DESIGN.md §7: each whole-NIK view is logged), naming the token and the rows."""

    required_right = "registry.view_business"
    serializer_class = serializers.BusinessSerializer

    def get_queryset(self):
        # A business whose owner restricted processing (UU 27/2022) is not given out.
        return business_list().exclude(processing_restricted=True)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and may_see_nik(request.user):
            rows = response.data.get("results", [response.data])
            shown = [row["id"] for row in rows if row["owner_nik"]]
            if shown:
                access.note(request, access.Kind.NIK_API, business_ids=shown)
                nik_log.info(
                    "NIK utuh lewat API: token %s (%s), usaha %s", request.auth, request.auth.role, shown
                )
        return response


@extend_schema(
    summary="Daftar usaha",
    description="Berhalaman, difilter persis seperti daftar registri di aplikasi (parameter yang sama). "
    "NIK pemilik utuh hanya untuk token berperan admin atau staf.",
    responses={200: serializers.BusinessSerializer(many=True), **BAD_FILTER, **ERRORS, **NOT_FOUND},
)
class BusinessListView(BusinessReader, generics.ListAPIView):
    pagination_class = BusinessPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = BusinessFilter


@extend_schema(
    summary="Satu usaha",
    parameters=[ID],
    responses={200: serializers.BusinessSerializer, **ERRORS, **NOT_FOUND},
)
class BusinessDetailView(BusinessReader, generics.RetrieveAPIView):
    pass


@extend_schema(
    summary="Daftar program pembinaan", responses={200: serializers.ProgrammeSerializer(many=True), **ERRORS}
)
class ProgrammeListView(generics.ListAPIView):
    required_right = "coaching.view_programme"
    serializer_class = serializers.ProgrammeSerializer
    pagination_class = None

    def get_queryset(self):
        return coaching.programme_list()


class ProgrammeDetailView(APIView):
    required_right = "coaching.view_programme"

    @extend_schema(
        summary="Satu program: capaian dan cakupan per kecamatan",
        parameters=[ID],
        responses={200: serializers.ProgrammeDetailSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, pk):  # noqa: ARG002 (a view's signature)
        programme = get_object_or_404(coaching.programme_list(), pk=pk)
        rows = coaching.coverage(programme)
        data = {
            **serializers.ProgrammeSerializer(programme).data,
            "progress": coaching.programme_progress(programme),
            "coverage": rows,
            "coverage_totals": coaching.coverage_totals(rows),
        }
        return Response(serializers.ProgrammeDetailSerializer(data).data)


class ProgrammeRealisationView(APIView):
    # The money: as on the realisation page, for those who may see the spending.
    required_right = "coaching.view_expenditure"

    @extend_schema(
        summary="Realisasi keuangan dan fisik program per triwulan",
        parameters=[
            ID,
            OpenApiParameter(
                "triwulan",
                int,
                enum=[1, 2, 3, 4],
                description="Triwulan; tanpa ini, triwulan berjalan (atau yang terdekat).",
            ),
        ],
        responses={200: serializers.RealisationSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, pk):
        programme = get_object_or_404(Programme, pk=pk)
        quarter = parse_quarter(
            request.query_params.get("triwulan"), default=coaching.default_quarter(programme)
        )
        return Response(serializers.RealisationSerializer(coaching.realisation(programme, quarter)).data)
