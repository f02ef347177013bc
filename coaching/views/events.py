"""Facilitation drives (NIB, halal, PIRT): the list, a drive, its participants and their outcomes."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import EventForm, OutcomeForm, PickForm
from ..models import Event, EventParticipant
from .common import PAGE_SIZE, business_search, pick_page, picked, spending_context, submitted


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
    event = submitted(
        request, form, lambda _data: services.event_create(user=request.user, fields=form.model_fields)
    )
    if event:
        messages.success(request, f"Kegiatan “{event}” tercatat. Tambahkan pesertanya.")
        return redirect(event)
    return render(request, "coaching/event_form.html", {"form": form})


@permission_required("coaching.change_event", raise_exception=True)
def event_edit(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = EventForm(request.POST or None, instance=event)
    if submitted(
        request,
        form,
        lambda _data: services.event_update(event=event, user=request.user, fields=form.model_fields),
    ):
        messages.success(request, "Perubahan kegiatan tersimpan.")
        return redirect(event)
    return render(request, "coaching/event_form.html", {"form": form, "event": event})


@permission_required("coaching.view_event", raise_exception=True)
def event_detail(request, pk):
    event = get_object_or_404(selectors.event_list(), pk=pk)
    participants = selectors.event_participants(event)
    return render(
        request,
        "coaching/event_detail.html",
        {
            "event": event,
            "participants": participants,
            "funnel": selectors.event_funnel(event),
            "outcomes": EventParticipant.Outcome.choices,
            "today": timezone.localdate(),
            **spending_context(request, event, "kegiatan"),
        },
    )


@permission_required("coaching.add_eventparticipant", raise_exception=True)
def event_add_participants(request, pk):
    event = get_object_or_404(Event, pk=pk)
    candidates = selectors.businesses_not_in_event(event)
    search, results = business_search(request, candidates)
    form = PickForm(request.POST or None, choices=request.POST.getlist("business"))
    added = submitted(
        request,
        form,
        lambda data: services.event_add_participants(event=event, businesses=picked(data), user=request.user),
    )
    if added is not None:
        messages.success(request, f"{added} peserta terdaftar di {event}.")
        return redirect(event)
    return pick_page(
        request, search, results, form, title=f"Tambah peserta: {event}", back=event, submit="Daftarkan"
    )


@require_POST
@permission_required("coaching.change_eventparticipant", raise_exception=True)
def event_outcome(request, pk):
    participant = get_object_or_404(selectors.participant_list(), pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            participant = services.event_participant_set_outcome(
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
            messages.success(request, f"{participant.business.name}: {participant.get_outcome_display()}.")
    else:
        messages.error(request, f"{participant.business.name}: periksa isian hasil dan tanggalnya.")
    return redirect(participant.event)
