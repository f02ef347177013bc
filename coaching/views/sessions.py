"""Coaching sessions: the list and its export, recording and editing one, its attendees."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from registry.downloads import export_response
from registry.fields import id_or_none
from registry.models import Business
from registry.services import StaleEdit

from .. import export_builders, filters, permissions, selectors, services
from ..forms import PickForm, SessionForm
from ..models import CoachingSession, Programme
from .common import (
    PAGE_SIZE,
    business_search,
    pick_page,
    picked,
    spending_context,
    submitted,
    with_old_parameters_redirected,
)


@permission_required("coaching.view_coachingsession", raise_exception=True)
@with_old_parameters_redirected
def session_list(request):
    session_filter = filters.session_filter(request.GET)
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


@permission_required("coaching.add_coachingsession", raise_exception=True)
def session_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    choices = selectors.session_attendee_choices(programme, permissions.coached_by(request.user))
    today = timezone.localdate()
    initial = {"held_on": min(today, programme.ends_on), "hours": 2}
    if not permissions.records_for_any_business(request.user):
        # The kecamatan most of the pendamping's businesses are in: the likeliest place of the session.
        initial["kecamatan"] = selectors.usual_kecamatan(choices)
    # From an enrolment's page: one-to-one mentoring at that business, already ticked as present.
    visited = selectors.attendee_choice_of(choices, id_or_none(request.GET.get("usaha")))
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
    session = submitted(
        request,
        form,
        lambda data: services.session_record(
            user=request.user,
            fields={"programme": programme, **form.model_fields},
            topics=data["topics"],
            attendees=selectors.businesses_picked(data["attendees"]),
        ),
    )
    if session:
        messages.success(request, f"Sesi tersimpan dengan {selectors.attendee_count(session)} peserta hadir.")
        return redirect(session)
    return render(request, "coaching/session_form.html", {"form": form, "programme": programme})


@permission_required("coaching.view_coachingsession", raise_exception=True)
def session_detail(request, pk):
    session = permissions.get_session_for_user(request.user, pk)
    return render(
        request,
        "coaching/session_detail.html",
        {
            "session": session,
            "attendances": selectors.session_attendees(session),
            "may_edit": permissions.may_edit_session(request.user, session),
            **spending_context(request, session, "sesi"),
        },
    )


@permission_required("coaching.change_coachingsession", raise_exception=True)
def session_edit(request, pk):
    session = permissions.get_session_for_user(request.user, pk, write=True)
    form = SessionForm(request.POST or None, user=request.user, instance=session)
    changed_since = None
    try:
        saved = submitted(
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
    session = permissions.get_session_for_user(request.user, pk, write=True)
    candidates = selectors.businesses_not_attending(session)
    search, results = business_search(request, candidates)
    form = PickForm(request.POST or None, choices=request.POST.getlist("business"))
    added = submitted(
        request,
        form,
        lambda data: services.attendance_add(session=session, businesses=picked(data), user=request.user),
    )
    if added is not None:
        messages.success(request, f"{added} peserta ditambahkan ke daftar hadir.")
        return redirect(session)
    return pick_page(
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
    session = permissions.get_session_for_user(request.user, pk, write=True)
    business = get_object_or_404(Business, pk=business_pk)
    services.attendance_remove(session=session, business=business, user=request.user)
    messages.success(request, f"{business.name} dihapus dari daftar hadir.")
    return redirect(session)


@permission_required("coaching.view_coachingsession", raise_exception=True)
@with_old_parameters_redirected
def session_export(request):
    return export_response(
        request,
        export_builders.session_export(request.GET, user=request.user),
        list_url=reverse("coaching:session_list"),
    )
