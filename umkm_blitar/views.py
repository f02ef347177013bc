"""Pages that sit on top of both apps: the home dashboard and the business page."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from coaching import selectors as coaching
from coaching.models import Enrolment
from registry import selectors as registry


@permission_required("registry.view_business", raise_exception=True)
def home(request):
    user = request.user
    programme = coaching.programme_current()
    context = {"summary": registry.registry_summary(), "today": timezone.localdate(), "programme": programme}
    if programme and user.has_perm("coaching.view_programme"):
        context["progress"] = coaching.programme_progress(programme)
    is_pendamping = user.has_perm("coaching.add_coachingsession") and not user.has_perm(
        "coaching.record_for_any_business"
    )
    if programme and is_pendamping:
        # A pendamping's own work comes first: their businesses and their latest sessions.
        mine = coaching.cohort(programme).filter(pendamping=user).exclude(status=Enrolment.Status.WITHDRAWN)
        context["my_enrolments"] = coaching.with_verdicts(mine)
        context["my_sessions"] = coaching.session_list().filter(pendamping=user)[:5]
    return render(request, "dashboard/home.html", context)


@permission_required("registry.view_business", raise_exception=True)
def business_detail(request, pk):
    business = get_object_or_404(registry.business_list(), pk=pk)
    timeline = registry.business_timeline(business, show_nik=request.user.has_perm("registry.view_nik"))
    attendances, hours = [], 0
    if request.user.has_perm("coaching.view_coachingsession"):
        attendances, hours = coaching.business_attendances(business)
        timeline += coaching.business_coaching_timeline(business, attendances)
    return render(
        request,
        "registry/business_detail.html",
        {
            "business": business,
            "decision": business.size_decision,
            "timeline": coaching.sort_timeline(timeline),
            "kbli_title": registry.kbli_title(business.kbli_code),
            "enrolments": business.enrolments.select_related("programme", "pendamping"),
            "attendances": attendances,
            "hours": hours,
        },
    )
