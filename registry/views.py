from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from privacy import access

from . import export_builders, export_jobs, filters, imports, open_data, permissions, selectors, services
from .charts import Chart, Dataset
from .downloads import export_response
from .fields import id_or_none
from .forms import BusinessForm, ImportUploadForm
from .models import Business, ExportJob, RegistryImport
from .pagination import RegistryPaginator, SearchPaginator

PAGE_SIZE = 50


@permission_required("registry.view_business", raise_exception=True)
def business_list(request):
    business_filter = filters.business_filter(request.GET)
    if request.GET.get("q", "").strip():
        paginator = SearchPaginator(business_filter.qs, PAGE_SIZE, default_order=not request.GET.get("sort"))
    else:
        paginator = RegistryPaginator(business_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "registry/business_list.html",
        {
            "filter": business_filter,
            "page": page,
            # Keeps the filter panel open on a phone when something other than the search is set.
            "has_filters": any(value for key, value in request.GET.items() if key not in ("q", "page")),
        },
    )


@permission_required("registry.view_business", raise_exception=True)
def business_export(request):
    """The registry list as .xlsx or .csv: exactly the rows of the list's filter, all pages, same order."""
    return export_response(
        request,
        export_builders.business_export(request.GET, user=request.user),
        list_url=reverse("registry:business_list"),
    )


def _save_business(request, form: BusinessForm, business: Business | None):
    """Shared create/edit flow: validate, warn about look-alikes, then call the service."""
    duplicates, changed_since = [], None
    if request.method == "POST":
        duplicates = selectors.business_find_duplicates(
            name=form.data.get("name", ""),
            desa_id=id_or_none(form.data.get("desa")),
            nik=form.data.get("owner_nik", "").strip(),
            nib=form.data.get("nib", "").strip(),
            exclude_pk=business.pk if business else None,
        )
        if form.is_valid():
            confirmed = form.cleaned_data["save_anyway"]
            if duplicates and not confirmed:
                messages.warning(
                    request,
                    "Usaha yang mirip sudah ada di registri. Periksa dulu sebelum menyimpan.",
                )
            else:
                reason = ""
                if duplicates:
                    similar = ", ".join(f"#{d.business.pk}" for d in duplicates)
                    reason = f"Disimpan walau mirip {similar}: {form.cleaned_data['save_anyway_reason']}"
                if business is None:
                    saved = services.business_create(
                        user=request.user, fields=form.model_fields, change_reason=reason
                    )
                    messages.success(request, f"Usaha “{saved.name}” tersimpan di registri.")
                    return redirect(saved)
                try:
                    saved = services.business_update(
                        business=business,
                        user=request.user,
                        fields=form.model_fields,
                        change_reason=reason or "Data usaha diubah",
                        expected_version=form.loaded_version,
                    )
                except services.StaleEdit as stale:
                    form.refuse_stale(stale)
                    changed_since = selectors.business_changes_since(
                        business, stale.loaded_version, show_nik=permissions.may_see_nik(request.user)
                    )
                else:
                    messages.success(request, f"Perubahan “{saved.name}” tersimpan.")
                    return redirect(saved)
    return render(
        request,
        "registry/business_form.html",
        {
            "form": form,
            "business": business,
            "duplicates": duplicates,
            "duplicates_block_saving": any(duplicate.blocking for duplicate in duplicates),
            "changed_since": changed_since,
        },
    )


@permission_required("registry.add_business", raise_exception=True)
def business_create(request):
    form = BusinessForm(request.POST or None)
    return _save_business(request, form, None)


@permission_required("registry.change_business", raise_exception=True)
def business_edit(request, pk):
    business = permissions.get_business_for_user(request.user, pk)
    permissions.nik_shown_whole(request, business)  # the form holds the NIK whole
    form = BusinessForm(request.POST or None, instance=business)
    return _save_business(request, form, business)


@permission_required("registry.view_business", raise_exception=True)
def dashboard(request):
    """Registry figures by kecamatan × sector, by year, by desa and by class; each links to its list."""
    today = timezone.localdate()
    overview = selectors.registry_overview(today=today)
    growth, years = selectors.registry_growth(overview.new_by_year, today=today)
    year, year_without_registrations = selectors.fastest_desa_year(
        request.GET.get("tahun"), years, today=today
    )
    yearly = growth[1:]  # the chart starts at 2022; the folded earlier years would dwarf the bars
    return render(
        request,
        "registry/dashboard.html",
        {
            "today": today,
            "overview": overview,
            "growth": growth,
            "growth_chart": Chart(
                type="bar",
                labels=[row.label for row in yearly],
                datasets=[
                    Dataset("Baru masuk registri", [row.new.count for row in yearly]),
                    Dataset(
                        "Jumlah di registri (akhir tahun)",
                        [row.cumulative.count for row in yearly],
                        type="line",
                        right_axis=True,
                    ),
                ],
                links=[row.new.url for row in yearly],
            ),
            "size_chart": _share_chart("Usaha", overview.size_classes),
            "legal_chart": _share_chart("Sudah punya", [held for held, _ in overview.legal]),
            "years": years,
            "year": year,
            "year_without_registrations": year_without_registrations,
            "fastest_desa": selectors.fastest_growing_desa(year) if year else [],
        },
    )


def open_data_download(request):
    """The registry's aggregates for the Satu Data portal (registry.open_data), streamed as a .zip.

    Every signed-in role may have it, as it holds no personal data; the login itself is required by
    LoginRequiredMiddleware, as for every page.
    """
    response = StreamingHttpResponse(open_data.open_data_zip(), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, open_data.filename())
    return response


def _share_chart(label: str, figures) -> Chart:
    return Chart(
        type="bar",
        labels=[figure.label for figure in figures],
        datasets=[Dataset(label, [figure.count for figure in figures])],
        links=[figure.url for figure in figures],
        horizontal=True,
    )


# --- Importing the office's spreadsheets -------------------------------------------------------------
# Those who may both add and change businesses (staf, admin) import. The reading and the writing run in
# a background job (services.registry_import_start); these pages start it and follow it.

IMPORT_RIGHTS = ["registry.add_business", "registry.change_business"]
IMPORTS_LISTED = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get_import_for_user(request, pk) -> RegistryImport:
    """The import, if it exists; whoever may import may follow every import of the office."""
    return get_object_or_404(RegistryImport.objects.select_related("created_by", "confirmed_by"), pk=pk)


@permission_required(IMPORT_RIGHTS, raise_exception=True)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        registry_import = services.registry_import_create(
            user=request.user, uploaded_file=form.cleaned_data["file"]
        )
        services.registry_import_start(registry_import)
        return redirect(registry_import)
    # The list shows counts only: the stored preview (up to a megabyte each) stays in the database.
    recent = RegistryImport.objects.select_related("created_by").defer("preview")[:IMPORTS_LISTED]
    return render(request, "registry/import_upload.html", {"form": form, "recent": recent})


@permission_required(IMPORT_RIGHTS, raise_exception=True)
def import_template(request):
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-registri-umkm.xlsx"'
    return response


@permission_required(IMPORT_RIGHTS, raise_exception=True)
def import_detail(request, pk):
    """The import's progress while its task runs, then its preview to confirm, then its outcome."""
    registry_import = _get_import_for_user(request, pk)
    services.registry_import_give_up_if_gone(registry_import)
    working = registry_import.is_working
    progress = {
        "label": registry_import.phase_label,
        "done": registry_import.rows_processed,
        "total": registry_import.rows_total,
    }
    response = render(
        request,
        "registry/import_detail.html",
        {
            "registry_import": registry_import,
            "preview": registry_import.preview,
            "progress": progress if working else {},
        },
    )
    if working:
        # The page follows the job by reloading itself: no script needed (a strict CSP comes later).
        response["Refresh"] = "2"
    return response


@require_POST
@permission_required(IMPORT_RIGHTS, raise_exception=True)
def import_retry(request, pk):
    """Run again the step of an import whose job stopped without a word."""
    registry_import = _get_import_for_user(request, pk)
    if not services.registry_import_retry(registry_import=registry_import, user=request.user):
        messages.info(request, "Impor ini tidak perlu dijalankan ulang.")
    return redirect(registry_import)


@require_POST
@permission_required(IMPORT_RIGHTS, raise_exception=True)
def import_confirm(request, pk):
    registry_import = _get_import_for_user(request, pk)
    try:
        started = services.registry_import_confirm(
            registry_import=registry_import,
            user=request.user,
            skip_error_rows=request.POST.get("skip_error_rows") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(registry_import)
    if started:
        access.note(
            request,
            access.Kind.IMPORT,
            rows=registry_import.rows_total,
            note=f"Impor #{registry_import.pk} ({registry_import.file_name})",
        )
        services.registry_import_start(registry_import)
    else:
        messages.info(request, "Impor ini sudah dikonfirmasi sebelumnya.")
    return redirect(registry_import)


# --- Long exports prepared on the task queue (registry.export_jobs) ------------------------------------


def _get_export_job_for_user(request, pk) -> ExportJob:
    """The export job, if it exists and the user asked for it (or is an admin): it may hold NIKs."""
    export_job = get_object_or_404(ExportJob.objects.select_related("created_by"), pk=pk)
    if not export_jobs.may_follow(request.user, export_job):
        raise PermissionDenied
    return export_job


def export_job_detail(request, pk):
    """The export's progress while the queue prepares it, then its download link."""
    export_job = _get_export_job_for_user(request, pk)
    export_jobs.export_job_give_up_if_gone(export_job)
    response = render(request, "registry/export_job_detail.html", {"export_job": export_job})
    if export_job.is_working:
        response["Refresh"] = "2"
    return response


def export_job_download(request, pk):
    export_job = _get_export_job_for_user(request, pk)
    if export_job.status != ExportJob.Status.DONE or not export_job.file:
        raise Http404("Berkas ekspor belum siap.")
    access.note(
        request,
        access.Kind.EXPORT,
        filter=urlencode(export_job.parameters, doseq=True),
        rows=export_job.rows_total,
        note=f"Ekspor antrean #{export_job.pk}: {export_job.title}",
    )
    return FileResponse(
        export_job.file.open("rb"),
        as_attachment=True,
        filename=export_job.file_name,
        content_type=XLSX,
    )


@require_POST
def export_job_retry(request, pk):
    export_job = _get_export_job_for_user(request, pk)
    if not export_jobs.export_job_retry(export_job=export_job, user=request.user):
        messages.info(request, "Ekspor ini tidak perlu dijalankan ulang.")
    return redirect(export_job)
