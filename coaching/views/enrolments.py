"""One enrolment: its page, the actions on it (pendamping, withdraw, verify) and its assessments."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..forms import AssessmentForm, MembershipForm, PendampingForm, ReasonForm, VerifyForm
from ..indicators import INDICATORS
from .common import submitted


@permission_required("coaching.view_enrolment", raise_exception=True)
def enrolment_detail(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk)
    assessments = selectors.enrolment_assessments(enrolment)
    enrolment.ordered_assessments = assessments  # what the status badge reads (Enrolment.has_baseline)
    attendances, hours = selectors.business_attendances(enrolment.business, programme=enrolment.programme)
    return render(
        request,
        "coaching/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "business": enrolment.business,
            "assessments": assessments,
            "indicators": INDICATORS,
            "verdict": selectors.verdict_from(enrolment, assessments),
            "attendances": attendances,
            "hours": hours,
            "memberships": selectors.business_memberships(enrolment.business),
            "may_record": permissions.may_record_for(request.user, enrolment.pendamping_id),
            "verify_form": VerifyForm(initial={"verified_on": timezone.localdate()}),
            "reason_form": ReasonForm(),
            "pendamping_form": PendampingForm(initial={"pendamping": enrolment.pendamping_id}),
            "membership_form": MembershipForm(initial={"joined_on": timezone.localdate()}),
        },
    )


def _enrolment_action(request, enrolment, form, action, success: str):
    """Run a POSTed enrolment action; on a refusal show the enrolment page with the message."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(enrolment)


@require_POST
@permission_required("coaching.change_enrolment", raise_exception=True)
def enrolment_pendamping(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk)
    return _enrolment_action(
        request,
        enrolment,
        PendampingForm(request.POST),
        lambda data: services.enrolment_assign_pendamping(
            enrolment=enrolment, pendamping=data["pendamping"], user=request.user
        ),
        "Pendamping tersimpan.",
    )


@require_POST
@permission_required("coaching.change_enrolment", raise_exception=True)
def enrolment_withdraw(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk)
    return _enrolment_action(
        request,
        enrolment,
        ReasonForm(request.POST),
        lambda data: services.enrolment_withdraw(
            enrolment=enrolment, user=request.user, reason=data["reason"]
        ),
        f"{enrolment.business} dinyatakan mundur dari program; riwayatnya tetap tersimpan.",
    )


@require_POST
@permission_required("coaching.verify_naik_kelas", raise_exception=True)
def enrolment_verify(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk)
    return _enrolment_action(
        request,
        enrolment,
        VerifyForm(request.POST, request.FILES),
        lambda data: services.enrolment_verify_naik_kelas(
            enrolment=enrolment,
            user=request.user,
            note=data["note"],
            verified_on=data["verified_on"],
            evidence=data["evidence"],
        ),
        f"{enrolment.business} terverifikasi naik kelas dan dihitung ke target.",
    )


@require_POST
@permission_required("coaching.verify_naik_kelas", raise_exception=True)
def enrolment_unverify(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk)
    return _enrolment_action(
        request,
        enrolment,
        ReasonForm(request.POST),
        lambda data: services.enrolment_withdraw_verification(
            enrolment=enrolment, user=request.user, reason=data["reason"]
        ),
        "Verifikasi naik kelas dicabut; tidak lagi dihitung ke target.",
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def enrolment_evidence(request, pk):
    # Evidence may hold personal data: only those who may record for the enrolment (staf, admin, its own
    # pendamping) download it.
    enrolment = permissions.get_enrolment_for_user(request.user, pk, write=True)
    if not enrolment.evidence:
        raise Http404("Tidak ada berkas bukti.")
    return FileResponse(enrolment.evidence.open("rb"), as_attachment=True)


@require_POST
@permission_required("coaching.add_membership", raise_exception=True)
def enrolment_membership(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk)
    return _enrolment_action(
        request,
        enrolment,
        MembershipForm(request.POST),
        lambda data: services.membership_add(
            association=data["association"],
            business=enrolment.business,
            joined_on=data["joined_on"],
            user=request.user,
        ),
        "Keanggotaan asosiasi tercatat.",
    )


@permission_required("coaching.add_assessment", raise_exception=True)
def assessment_create(request, pk):
    enrolment = permissions.get_enrolment_for_user(request.user, pk, write=True)
    latest = selectors.enrolment_latest_assessment(enrolment)
    if latest:
        initial = {
            name: getattr(latest, name) for name in AssessmentForm.Meta.fields if name != "assessed_on"
        }
        initial["notes"] = ""
    else:
        business = enrolment.business
        initial = {
            "turnover": business.turnover,
            "capital": business.capital,
            "employees": business.employees,
            "has_nib": bool(business.nib),
            **{name: getattr(business, name) for name in INDICATORS if hasattr(business, name)},
        }
    initial["assessed_on"] = timezone.localdate()
    form = AssessmentForm(request.POST or None, initial=initial)
    assessment = submitted(
        request,
        form,
        lambda _data: services.assessment_record(
            enrolment=enrolment, user=request.user, fields=form.model_fields
        ),
    )
    if assessment:
        verdict = selectors.enrolment_verdict(enrolment)
        note = " Usaha ini kini kandidat naik kelas." if verdict.is_candidate else ""
        messages.success(request, f"{assessment.get_kind_display()} tersimpan.{note}")
        return redirect(enrolment)
    return render(
        request,
        "coaching/assessment_form.html",
        {"form": form, "enrolment": enrolment, "is_baseline": latest is None, "latest": latest},
    )
