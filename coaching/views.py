from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from registry.exports import export_response
from registry.fields import id_or_none
from registry.filters import BusinessFilter
from registry.formatting import rupiah, share_percent
from registry.models import Business
from registry.services import StaleEdit

from . import reports, selectors, services
from .exports import CohortExporter, ExpenditureExporter, SessionExporter
from .filters import CohortFilter, ExpenditureFilter, SessionFilter
from .forms import (
    AssessmentForm,
    AssociationForm,
    BudgetLineForm,
    EnrolForm,
    EventForm,
    ExpenditureForm,
    KecamatanPlanForm,
    MembershipForm,
    OutcomeForm,
    PendampingForm,
    PickForm,
    ProgrammeForm,
    ReasonForm,
    SessionForm,
    VerifyForm,
)
from .indicators import INDICATORS
from .models import (
    Association,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    Programme,
)
from .periods import QUARTER_NAMES, parse_quarter

PAGE_SIZE = 50
PICK_LIMIT = 50


def _report(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _submitted(request, form, save):
    """Hand a valid POSTed form to `save` (a service call) and return what it returns.

    None when there is nothing to save yet or the service refused: its reasons are then on the form,
    by field, and the page shows the form again with nothing changed.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        _report(form, error)
        return None


def _pick_page(request, search, results, form, *, title, back, submit, help=""):
    """The registry search with tick boxes, for adding attendees, drive participants and members."""
    return render(
        request,
        "coaching/pick_businesses.html",
        {"search": search, "results": results, "form": form, "limit": PICK_LIMIT,
         "title": title, "back": back, "submit": submit, "help": help},
    )  # fmt: skip


def _get_enrolment_for_user(request, pk, *, write=False) -> Enrolment:
    """The enrolment; for writing, only staf or the business's own pendamping may have it."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related(
            "programme",
            "business__kecamatan",
            "business__desa",
            "business__sector",
            "pendamping",
            "verified_by",
        ),
        pk=pk,
    )
    if write and not selectors.may_record_for(request.user, enrolment.pendamping_id):
        raise PermissionDenied
    return enrolment


def _get_session_for_user(request, pk, *, write=False) -> CoachingSession:
    session = get_object_or_404(selectors.session_list(), pk=pk)
    if write and not selectors.may_record_for(request.user, session.pendamping_id):
        raise PermissionDenied
    return session


def _spending_context(request, target: CoachingSession | Event, param: str) -> dict:
    """What was spent on a session or a drive, for those who may see the money."""
    if not request.user.has_perm("coaching.view_expenditure"):
        return {}
    spending, total = selectors.spending_on(target)
    add_url = reverse("coaching:expenditure_create", args=[target.programme_id]) + f"?{param}={target.pk}"
    return {
        "spending": spending,
        "spending_total": total,
        "spending_add_url": add_url,
        "shows_spending": True,
    }


def _business_search(request, queryset):
    """Registry search (name/owner/NIB, kecamatan, sector) for picking businesses; the first 50 hits."""
    search = BusinessFilter(request.GET or None, queryset=queryset)
    searched = any(request.GET.get(key) for key in ("q", "kecamatan", "sector"))
    results = list(search.qs[:PICK_LIMIT]) if searched else []
    return search, results


def _picked(data) -> list[Business]:
    """The businesses ticked on a pick page."""
    return list(Business.objects.filter(pk__in=data["business"]))


# --- programmes ------------------------------------------------------------------------------


@permission_required("coaching.view_programme", raise_exception=True)
def programme_list(request):
    return render(request, "coaching/programme_list.html", {"programmes": selectors.programme_list()})


@permission_required("coaching.view_programme", raise_exception=True)
def programme_detail(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/programme_detail.html",
        {
            "programme": programme,
            "progress": selectors.programme_progress(programme),
            "plan_rows": selectors.coverage(programme),
            "candidate_count": selectors.candidate_count(programme),
            "events": selectors.event_list().filter(programme=programme)[:10],
            "pace": selectors.pace(programme, selectors.programme_spent(programme), timezone.localdate())
            if request.user.has_perm("coaching.view_expenditure")
            else None,
        },
    )


@permission_required("coaching.add_programme", raise_exception=True)
def programme_create(request):
    today = timezone.localdate()
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "year": today.year,
            "starts_on": today.replace(month=1, day=1),
            "ends_on": today.replace(month=12, day=31),
        },
    )
    programme = _submitted(
        request,
        form,
        lambda data: services.programme_create(
            user=request.user, fields=form.model_fields, planned_sessions_total=data["planned_sessions_total"]
        ),
    )
    if programme:
        messages.success(request, f"Program “{programme}” dibuat. Periksa rencana sesi per kecamatan.")
        return redirect("coaching:programme_plan", programme.pk)
    return render(request, "coaching/programme_form.html", {"form": form})


@permission_required("coaching.change_programme", raise_exception=True)
def programme_edit(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if _submitted(
        request,
        form,
        lambda data: services.programme_update(
            programme=programme, user=request.user, fields=form.model_fields
        ),
    ):
        messages.success(request, "Perubahan program tersimpan.")
        return redirect(programme)
    return render(request, "coaching/programme_form.html", {"form": form, "programme": programme})


@permission_required("coaching.change_programme", raise_exception=True)
def programme_plan(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    plans = programme.kecamatan_plans.select_related("kecamatan")
    form = KecamatanPlanForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        services.programme_set_plan(programme=programme, user=request.user, planned=form.planned)
        messages.success(request, f"Rencana {sum(form.planned.values())} sesi di 22 kecamatan tersimpan.")
        return redirect(programme)
    return render(request, "coaching/programme_plan.html", {"form": form, "programme": programme})


# --- cohort ----------------------------------------------------------------------------------


@permission_required("coaching.view_enrolment", raise_exception=True)
def cohort(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    cohort_filter = CohortFilter(request.GET or None, queryset=selectors.cohort(programme))
    page = Paginator(cohort_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_verdicts(page.object_list)
    return render(
        request,
        "coaching/cohort.html",
        {
            "programme": programme,
            "filter": cohort_filter,
            "page": page,
            "progress": selectors.programme_progress(programme),
        },
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def my_businesses(request):
    programme = selectors.programme_current()
    if programme is None:
        raise Http404("Belum ada program.")
    return redirect(f"{reverse('coaching:cohort', args=[programme.pk])}?pendamping={request.user.pk}")


@permission_required("coaching.add_enrolment", raise_exception=True)
def enrol(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    candidates = selectors.businesses_not_enrolled(programme)
    search, results = _business_search(request, candidates)
    default_day = min(max(timezone.localdate(), programme.starts_on), programme.ends_on)
    form = EnrolForm(
        request.POST or None, initial={"enrolled_on": default_day}, choices=request.POST.getlist("business")
    )
    enrolments = _submitted(
        request,
        form,
        lambda data: services.enrolment_create_many(
            programme=programme,
            businesses=_picked(data),
            pendamping=data["pendamping"],
            user=request.user,
            enrolled_on=data["enrolled_on"],
        ),
    )
    if enrolments:
        messages.success(request, f"{len(enrolments)} usaha masuk kelompok binaan {programme}.")
        return redirect(f"{reverse('coaching:enrol', args=[programme.pk])}?{request.GET.urlencode()}")
    return render(
        request,
        "coaching/enrol.html",
        {"programme": programme, "search": search, "results": results, "form": form, "limit": PICK_LIMIT},
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def candidate_list(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/candidate_list.html",
        {"programme": programme, "candidates": selectors.candidates(programme)},
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def enrolment_detail(request, pk):
    enrolment = _get_enrolment_for_user(request, pk)
    assessments = list(enrolment.assessments.select_related("recorded_by").order_by("assessed_on", "id"))
    enrolment.ordered_assessments = assessments
    selectors.with_verdicts([enrolment])
    attendances, hours = selectors.business_attendances(enrolment.business, programme=enrolment.programme)
    return render(
        request,
        "coaching/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "business": enrolment.business,
            "assessments": assessments,
            "indicators": INDICATORS,
            "verdict": enrolment.verdict,
            "attendances": attendances,
            "hours": hours,
            "memberships": selectors.business_memberships(enrolment.business),
            "may_record": selectors.may_record_for(request.user, enrolment.pendamping_id),
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
    enrolment = _get_enrolment_for_user(request, pk)
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
    enrolment = _get_enrolment_for_user(request, pk)
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
    enrolment = _get_enrolment_for_user(request, pk)
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
    enrolment = _get_enrolment_for_user(request, pk)
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
    enrolment = _get_enrolment_for_user(request, pk)
    if not enrolment.evidence:
        raise Http404("Tidak ada berkas bukti.")
    return FileResponse(enrolment.evidence.open("rb"), as_attachment=True)


@require_POST
@permission_required("coaching.add_membership", raise_exception=True)
def enrolment_membership(request, pk):
    enrolment = _get_enrolment_for_user(request, pk)
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
    enrolment = _get_enrolment_for_user(request, pk, write=True)
    latest = enrolment.assessments.order_by("assessed_on", "id").last()
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
    assessment = _submitted(
        request,
        form,
        lambda data: services.assessment_record(
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


# --- sessions --------------------------------------------------------------------------------


@permission_required("coaching.view_coachingsession", raise_exception=True)
def session_list(request):
    session_filter = SessionFilter(request.GET or None, queryset=selectors.session_list())
    page = Paginator(session_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coaching/session_list.html", {"filter": session_filter, "page": page})


@permission_required("coaching.view_coachingsession", raise_exception=True)
def my_sessions(request):
    return redirect(f"{reverse('coaching:session_list')}?pendamping={request.user.pk}")


@permission_required("coaching.add_coachingsession", raise_exception=True)
def session_create_current(request):
    programme = selectors.programme_current()
    if programme is None:
        raise Http404("Belum ada program.")
    return redirect("coaching:session_create", programme.pk)


def _usual_kecamatan(user, choices):
    """The kecamatan most of the pendamping's businesses are in: the likeliest place of their session."""
    counts = choices.values("business__kecamatan").annotate(n=Count("id")).order_by("-n")
    first = counts.first()
    return first["business__kecamatan"] if first else None


@permission_required("coaching.add_coachingsession", raise_exception=True)
def session_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    choices = selectors.session_attendee_choices(programme, request.user)
    today = timezone.localdate()
    initial = {"held_on": min(today, programme.ends_on), "hours": 2}
    if not request.user.has_perm("coaching.record_for_any_business"):
        initial["kecamatan"] = _usual_kecamatan(request.user, choices)
    # From an enrolment's page: one-to-one mentoring at that business, already ticked as present.
    visited = (
        choices.filter(business_id=id_or_none(request.GET.get("usaha"))).select_related("business").first()
    )
    if visited:
        business = visited.business
        initial.update(
            kind=CoachingSession.Kind.MENTORING,
            kecamatan=business.kecamatan_id,
            desa=business.desa_id,
            venue=f"Tempat usaha {business.name}",
            attendees=[business.pk],
        )
    form = SessionForm(
        request.POST or None,
        user=request.user,
        attendee_choices=choices,
        initial=initial,
        instance=CoachingSession(programme=programme, recorded_by=request.user),
    )
    session = _submitted(
        request,
        form,
        lambda data: services.session_record(
            user=request.user,
            fields={"programme": programme, **form.model_fields},
            topics=data["topics"],
            attendees=Business.objects.filter(pk__in=data["attendees"]),
        ),
    )
    if session:
        messages.success(request, f"Sesi tersimpan dengan {session.attendances.count()} peserta hadir.")
        return redirect(session)
    return render(request, "coaching/session_form.html", {"form": form, "programme": programme})


@permission_required("coaching.view_coachingsession", raise_exception=True)
def session_detail(request, pk):
    session = _get_session_for_user(request, pk)
    return render(
        request,
        "coaching/session_detail.html",
        {
            "session": session,
            "attendances": selectors.session_attendees(session),
            "may_edit": selectors.may_record_for(request.user, session.pendamping_id)
            and request.user.has_perm("coaching.change_coachingsession"),
            **_spending_context(request, session, "sesi"),
        },
    )


@permission_required("coaching.change_coachingsession", raise_exception=True)
def session_edit(request, pk):
    session = _get_session_for_user(request, pk, write=True)
    form = SessionForm(request.POST or None, user=request.user, instance=session)
    changed_since = None
    try:
        saved = _submitted(
            request,
            form,
            lambda data: services.session_update(
                session=session,
                user=request.user,
                fields=form.model_fields,
                topics=data["topics"],
                expected_version=form.loaded_version,
            ),
        )
    except StaleEdit as stale:
        form.refuse_stale(stale)
        changed_since = selectors.session_changes_since(session, stale.loaded_version)
    else:
        if saved:
            messages.success(request, "Perubahan sesi tersimpan.")
            return redirect(session)
    return render(
        request,
        "coaching/session_form.html",
        {
            "form": form,
            "session": session,
            "programme": session.programme,
            "changed_since": changed_since,
        },
    )


@permission_required("coaching.add_attendance", raise_exception=True)
def session_add_attendees(request, pk):
    session = _get_session_for_user(request, pk, write=True)
    candidates = Business.objects.exclude(attendances__session=session).exclude(status=Business.Status.CLOSED)
    search, results = _business_search(request, candidates)
    form = PickForm(request.POST or None, choices=request.POST.getlist("business"))
    added = _submitted(
        request,
        form,
        lambda data: services.attendance_add(session=session, businesses=_picked(data), user=request.user),
    )
    if added is not None:
        messages.success(request, f"{added} peserta ditambahkan ke daftar hadir.")
        return redirect(session)
    return _pick_page(
        request,
        search,
        results,
        form,
        title="Tambah peserta hadir",
        back=session,
        submit="Catat hadir",
        help="Usaha dari kelompok binaan maupun dari luar kelompok binaan (tamu) bisa ditambahkan.",
    )


@require_POST
@permission_required("coaching.add_attendance", raise_exception=True)
def session_remove_attendee(request, pk, business_pk):
    session = _get_session_for_user(request, pk, write=True)
    business = get_object_or_404(Business, pk=business_pk)
    services.attendance_remove(session=session, business=business, user=request.user)
    messages.success(request, f"{business.name} dihapus dari daftar hadir.")
    return redirect(session)


# --- facilitation drives ---------------------------------------------------------------------


@permission_required("coaching.view_event", raise_exception=True)
def event_list(request):
    page = Paginator(selectors.event_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coaching/event_list.html", {"page": page})


@permission_required("coaching.add_event", raise_exception=True)
def event_create(request):
    programme = selectors.programme_current()
    form = EventForm(
        request.POST or None, initial={"programme": programme, "partner": "DPMPTSP Kabupaten Blitar"}
    )
    event = _submitted(
        request, form, lambda data: services.event_create(user=request.user, fields=form.model_fields)
    )
    if event:
        messages.success(request, f"Kegiatan “{event}” tercatat. Tambahkan pesertanya.")
        return redirect(event)
    return render(request, "coaching/event_form.html", {"form": form})


@permission_required("coaching.change_event", raise_exception=True)
def event_edit(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = EventForm(request.POST or None, instance=event)
    if _submitted(
        request,
        form,
        lambda data: services.event_update(event=event, user=request.user, fields=form.model_fields),
    ):
        messages.success(request, "Perubahan kegiatan tersimpan.")
        return redirect(event)
    return render(request, "coaching/event_form.html", {"form": form, "event": event})


@permission_required("coaching.view_event", raise_exception=True)
def event_detail(request, pk):
    event = get_object_or_404(Event.objects.select_related("programme", "kecamatan", "desa"), pk=pk)
    participants = event.participants.select_related("business__desa", "business__kecamatan")
    return render(
        request,
        "coaching/event_detail.html",
        {
            "event": event,
            "participants": participants,
            "funnel": selectors.event_funnel(event),
            "outcomes": EventParticipant.Outcome.choices,
            "today": timezone.localdate(),
            **_spending_context(request, event, "kegiatan"),
        },
    )


@permission_required("coaching.add_eventparticipant", raise_exception=True)
def event_add_participants(request, pk):
    event = get_object_or_404(Event, pk=pk)
    candidates = Business.objects.exclude(event_participations__event=event)
    search, results = _business_search(request, candidates)
    form = PickForm(request.POST or None, choices=request.POST.getlist("business"))
    added = _submitted(
        request,
        form,
        lambda data: services.event_add_participants(
            event=event, businesses=_picked(data), user=request.user
        ),
    )
    if added is not None:
        messages.success(request, f"{added} peserta terdaftar di {event}.")
        return redirect(event)
    return _pick_page(
        request, search, results, form, title=f"Tambah peserta: {event}", back=event, submit="Daftarkan"
    )


@require_POST
@permission_required("coaching.change_eventparticipant", raise_exception=True)
def event_outcome(request, pk):
    participant = get_object_or_404(EventParticipant.objects.select_related("event", "business"), pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.event_participant_set_outcome(
                participant=participant,
                outcome=form.cleaned_data["outcome"],
                nib=form.cleaned_data["nib"],
                outcome_on=form.cleaned_data["outcome_on"],
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"{participant.business.name}: {message}")
        else:
            participant.refresh_from_db()
            messages.success(request, f"{participant.business.name}: {participant.get_outcome_display()}.")
    else:
        messages.error(request, f"{participant.business.name}: periksa isian hasil dan tanggalnya.")
    return redirect(participant.event)


# --- associations ----------------------------------------------------------------------------


@permission_required("coaching.view_association", raise_exception=True)
def association_list(request):
    return render(request, "coaching/association_list.html", {"associations": selectors.association_list()})


@permission_required("coaching.add_association", raise_exception=True)
def association_create(request):
    form = AssociationForm(request.POST or None)
    association = _submitted(
        request, form, lambda data: services.association_create(user=request.user, fields=form.model_fields)
    )
    if association:
        messages.success(request, f"Asosiasi “{association}” tercatat.")
        return redirect(association)
    return render(request, "coaching/association_form.html", {"form": form})


@permission_required("coaching.view_association", raise_exception=True)
def association_detail(request, pk):
    association = get_object_or_404(Association.objects.select_related("sector"), pk=pk)
    members = association.memberships.select_related(
        "business__kecamatan", "business__desa", "business__sector"
    )
    return render(
        request, "coaching/association_detail.html", {"association": association, "members": members}
    )


@permission_required("coaching.add_membership", raise_exception=True)
def association_add_members(request, pk):
    association = get_object_or_404(Association, pk=pk)
    candidates = Business.objects.exclude(memberships__association=association)
    search, results = _business_search(request, candidates)
    form = PickForm(request.POST or None, choices=request.POST.getlist("business"))
    added = _submitted(
        request,
        form,
        lambda data: services.memberships_add(
            association=association,
            businesses=_picked(data),
            joined_on=timezone.localdate(),
            user=request.user,
        ),
    )
    if added is not None:
        messages.success(request, "Anggota baru tercatat.")
        return redirect(association)
    return _pick_page(
        request,
        search,
        results,
        form,
        title=f"Tambah anggota: {association}",
        back=association,
        submit="Jadikan anggota",
        help="Tanggal bergabung dicatat hari ini.",
    )


# --- budget ----------------------------------------------------------------------------------


@permission_required("coaching.view_budgetline", raise_exception=True)
def budget(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    lines = list(selectors.budget_lines(programme))
    allocated = sum(line.allocation for line in lines)
    spent = sum(line.spent for line in lines)
    return render(
        request,
        "coaching/budget.html",
        {
            "programme": programme,
            "lines": lines,
            "allocated": allocated,
            "unallocated": programme.budget_ceiling - allocated,
            "spent": spent,
            "remaining": allocated - spent,
            "spent_percent": share_percent(spent, allocated),
            "plan_totals": [
                (f"TW {numeral}", sum(line.plan_for(q) for line in lines))
                for q, numeral in zip(QUARTER_NAMES, ("I", "II", "III", "IV"), strict=True)
            ],
        },
    )


@permission_required("coaching.add_budgetline", raise_exception=True)
def budget_line_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = BudgetLineForm(request.POST or None, programme=programme)
    line = _submitted(
        request,
        form,
        lambda data: services.budget_line_create(
            programme=programme, user=request.user, fields=form.model_fields
        ),
    )
    if line:
        messages.success(request, f"Mata anggaran “{line}” tercatat dengan pagu {rupiah(line.allocation)}.")
        return redirect("coaching:budget", programme.pk)
    return render(request, "coaching/budget_line_form.html", {"form": form, "programme": programme})


@permission_required("coaching.change_budgetline", raise_exception=True)
def budget_line_edit(request, pk):
    line = get_object_or_404(BudgetLine.objects.select_related("programme"), pk=pk)
    form = BudgetLineForm(request.POST or None, instance=line, programme=line.programme)
    if _submitted(
        request,
        form,
        lambda data: services.budget_line_update(line=line, user=request.user, fields=form.model_fields),
    ):
        messages.success(request, "Perubahan mata anggaran tersimpan.")
        return redirect("coaching:budget", line.programme_id)
    return render(
        request, "coaching/budget_line_form.html", {"form": form, "programme": line.programme, "line": line}
    )


@permission_required("coaching.view_expenditure", raise_exception=True)
def expenditure_list(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    spending = ExpenditureFilter(
        request.GET or None,
        queryset=selectors.expenditure_list().filter(budget_line__programme=programme),
        programme=programme,
    )
    page = Paginator(spending.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/expenditure_list.html",
        {
            "programme": programme,
            "filter": spending,
            "page": page,
            "total": spending.qs.aggregate(total=Coalesce(Sum("amount"), 0))["total"],
            "deleted": selectors.deleted_spending(programme),
        },
    )


@permission_required("coaching.add_expenditure", raise_exception=True)
def expenditure_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    initial = {"spent_on": min(timezone.localdate(), programme.ends_on)}
    # Opened from a session's or a drive's page, the entry starts out as paying for it.
    for field, param in (("session", "sesi"), ("event", "kegiatan"), ("budget_line", "mata_anggaran")):
        if (object_id := id_or_none(request.GET.get(param))) is not None:
            initial[field] = object_id
    form = ExpenditureForm(request.POST or None, programme=programme, initial=initial)
    expenditure = _submitted(
        request, form, lambda data: services.expenditure_add(user=request.user, fields=form.model_fields)
    )
    if expenditure:
        messages.success(
            request, f"Belanja {rupiah(expenditure.amount)} dari “{expenditure.budget_line}” tercatat."
        )
        return redirect(expenditure.session or expenditure.event or expenditure)
    return render(request, "coaching/expenditure_form.html", {"form": form, "programme": programme})


def _get_expenditure(pk) -> Expenditure:
    return get_object_or_404(selectors.expenditure_list(), pk=pk)


@permission_required("coaching.view_expenditure", raise_exception=True)
def expenditure_detail(request, pk):
    expenditure = _get_expenditure(pk)
    return render(
        request,
        "coaching/expenditure_detail.html",
        {
            "expenditure": expenditure,
            "programme": expenditure.budget_line.programme,
            "history": selectors.expenditure_history(expenditure),
        },
    )


@permission_required("coaching.change_expenditure", raise_exception=True)
def expenditure_edit(request, pk):
    expenditure = _get_expenditure(pk)
    programme = expenditure.budget_line.programme
    form = ExpenditureForm(request.POST or None, instance=expenditure, programme=programme)
    if _submitted(
        request,
        form,
        lambda data: services.expenditure_update(
            expenditure=expenditure, user=request.user, fields=form.model_fields, reason=data["reason"]
        ),
    ):
        messages.success(request, "Koreksi belanja tersimpan; nilai lamanya ada di riwayat.")
        return redirect("coaching:expenditure_detail", pk)
    return render(
        request,
        "coaching/expenditure_form.html",
        {"form": form, "programme": programme, "expenditure": expenditure},
    )


@permission_required("coaching.delete_expenditure", raise_exception=True)
def expenditure_delete(request, pk):
    expenditure = _get_expenditure(pk)
    programme = expenditure.budget_line.programme
    form = ReasonForm(request.POST or None)
    if _submitted(
        request,
        form,
        lambda data: services.expenditure_delete(
            expenditure=expenditure, user=request.user, reason=data["reason"]
        ),
    ):
        messages.success(
            request, f"Belanja “{expenditure.description}” dihapus; catatannya tetap di riwayat."
        )
        return redirect("coaching:expenditure_list", programme.pk)
    return render(
        request,
        "coaching/expenditure_delete.html",
        {"form": form, "programme": programme, "expenditure": expenditure},
    )


@permission_required("coaching.view_expenditure", raise_exception=True)
def realisation(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    quarter = parse_quarter(request.GET.get("triwulan"), default=selectors.default_quarter(programme))
    return render(
        request,
        "coaching/realisation.html",
        {
            "programme": programme,
            "realisation": selectors.realisation(programme, quarter),
            "quarter_names": QUARTER_NAMES,
        },
    )


# --- data to fix -------------------------------------------------------------------------------


# Fixing the records is staf's work: change_programme is the right staf and admin hold and a
# pendamping or pimpinan does not.
@permission_required("coaching.change_programme", raise_exception=True)
def data_to_fix(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/data_to_fix.html",
        {"programme": programme, "fix": selectors.data_to_fix(programme)},
    )


# --- list exports (.xlsx and .csv of the cohort, sessions and spending lists) ----------------
# Each applies the list's own FilterSet to the list's own queryset, under the list's permission.


@permission_required("coaching.view_enrolment", raise_exception=True)
def cohort_export(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    cohort_filter = CohortFilter(request.GET or None, queryset=selectors.cohort(programme))
    return export_response(
        request,
        CohortExporter(cohort_filter.qs, user=request.user, programme=programme),
        list_url=reverse("coaching:cohort", args=[programme.pk]),
    )


@permission_required("coaching.view_coachingsession", raise_exception=True)
def session_export(request):
    session_filter = SessionFilter(request.GET or None, queryset=selectors.session_list())
    return export_response(
        request,
        SessionExporter(session_filter.qs, user=request.user),
        list_url=reverse("coaching:session_list"),
    )


@permission_required("coaching.view_expenditure", raise_exception=True)
def expenditure_export(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    spending = ExpenditureFilter(
        request.GET or None,
        queryset=selectors.expenditure_list().filter(budget_line__programme=programme),
        programme=programme,
    )
    return export_response(
        request,
        ExpenditureExporter(spending.qs, user=request.user, programme=programme),
        list_url=reverse("coaching:expenditure_list", args=[programme.pk]),
    )


# --- quarterly report ------------------------------------------------------------------------


# The report shows the money, so it goes to those who may see the spending: staf, admin and pimpinan.
@permission_required("coaching.view_expenditure", raise_exception=True)
def quarterly_report(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    quarter = parse_quarter(request.GET.get("triwulan"), default=selectors.default_quarter(programme))
    workbook = reports.quarterly_workbook(
        programme, quarter, show_nik=request.user.has_perm("registry.view_nik")
    )
    filename = reports.report_filename(programme, quarter)
    return HttpResponse(
        workbook,
        content_type=reports.CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
