"""The privacy page, and the people's requests about their data (staf record and answer them)."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from registry.permissions import may_see_nik
from registry.spreadsheets import CONTENT_TYPE

from . import access, selectors, services
from .forms import AnswerForm, SubjectRequestForm
from .models import ANSWER_WITHIN, SubjectRequest
from .personal_export import write_personal_data

REQUESTS_PER_PAGE = 50


def privacy_notice(request):
    return render(
        request,
        "privacy/notice.html",
        {
            "contact": settings.PRIVACY_CONTACT,
            "log_years": settings.ACCESS_LOG_RETENTION_DAYS // 365,
            "closed_days": settings.ANONYMISE_CLOSED_AFTER_DAYS,
        },
    )


@permission_required("privacy.view_subjectrequest", raise_exception=True)
def subject_request_list(request):
    form = SubjectRequestForm(request.POST or None, initial={"received_at": timezone.localtime()})
    if request.method == "POST":
        if not request.user.has_perm("privacy.add_subjectrequest"):
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                services.subject_request_record(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Permintaan tercatat. Jawab sebelum batas waktunya.")
                return redirect("privacy:subject_request_list")
    page = Paginator(selectors.subject_request_list(), REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    if page.object_list and may_see_nik(request.user):
        access.note(
            request, access.Kind.NIK_PAGE, rows=len(page.object_list), note="Daftar permintaan subjek data"
        )
    now = timezone.now()
    return render(
        request,
        "privacy/subject_requests.html",
        {
            "form": form,
            "page": page,
            "rows": [(row, row.is_overdue(now)) for row in page],
            "hours": int(ANSWER_WITHIN.total_seconds() // 3600),
        },
    )


@require_POST
@permission_required("privacy.change_subjectrequest", raise_exception=True)
def subject_request_answer(request, pk):
    subject_request = get_object_or_404(SubjectRequest, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tulis jawaban atau tindakan yang diambil.")
        return redirect("privacy:subject_request_list")
    try:
        services.subject_request_answer(
            subject_request=subject_request, user=request.user, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Permintaan ditandai terjawab.")
    return redirect("privacy:subject_request_list")


@permission_required("privacy.export_personal_data", raise_exception=True)
def subject_request_export(request, pk):
    """Everything about the requester, in one workbook (an access request's answer)."""
    subject_request = get_object_or_404(SubjectRequest, pk=pk)
    # Not a `with`: FileResponse closes the file once it is sent, and the closed file is deleted.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    business_ids = write_personal_data(subject_request.nik, output)
    output.seek(0)
    access.note(
        request,
        access.Kind.SUBJECT_EXPORT,
        business_ids=business_ids,
        note=f"Permintaan #{subject_request.pk}",
    )
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"data-pribadi-{subject_request.pk}.xlsx",
        content_type=CONTENT_TYPE,
    )
