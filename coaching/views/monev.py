"""SIPD sub-kegiatan of a programme: the list with their output, and the form staf keep it with."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from .. import selectors, services
from ..forms import SubActivityForm
from ..models import Programme
from .common import submitted


@permission_required("coaching.view_subactivity", raise_exception=True)
def sub_activity_list(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/sub_activity_list.html",
        {"programme": programme, "sub_activities": selectors.sub_activities(programme)},
    )


@permission_required("coaching.add_subactivity", raise_exception=True)
def sub_activity_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = SubActivityForm(request.POST or None, programme=programme)
    sub_activity = submitted(
        request,
        form,
        lambda _data: services.sub_activity_create(
            programme=programme, user=request.user, fields=form.model_fields
        ),
    )
    if sub_activity:
        messages.success(request, f"Sub kegiatan {sub_activity.code} tercatat.")
        return redirect("coaching:sub_activity_list", programme.pk)
    return render(request, "coaching/sub_activity_form.html", {"form": form, "programme": programme})


@permission_required("coaching.change_subactivity", raise_exception=True)
def sub_activity_edit(request, pk):
    sub_activity = get_object_or_404(selectors.sub_activity_list(), pk=pk)
    programme = sub_activity.programme
    form = SubActivityForm(request.POST or None, instance=sub_activity, programme=programme)
    if submitted(
        request,
        form,
        lambda _data: services.sub_activity_update(
            sub_activity=sub_activity, user=request.user, fields=form.model_fields
        ),
    ):
        messages.success(request, "Perubahan sub kegiatan tersimpan; nilai lamanya ada di riwayat.")
        return redirect("coaching:sub_activity_list", programme.pk)
    return render(
        request,
        "coaching/sub_activity_form.html",
        {"form": form, "programme": programme, "sub_activity": sub_activity},
    )
