"""Associations: the list, one association and its members."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from .. import selectors, services
from ..forms import AssociationForm, PickForm
from ..models import Association
from .common import business_search, pick_page, picked, submitted


@permission_required("coaching.view_association", raise_exception=True)
def association_list(request):
    return render(request, "coaching/association_list.html", {"associations": selectors.association_list()})


@permission_required("coaching.add_association", raise_exception=True)
def association_create(request):
    form = AssociationForm(request.POST or None)
    association = submitted(
        request, form, lambda _data: services.association_create(user=request.user, fields=form.model_fields)
    )
    if association:
        messages.success(request, f"Asosiasi “{association}” tercatat.")
        return redirect(association)
    return render(request, "coaching/association_form.html", {"form": form})


@permission_required("coaching.view_association", raise_exception=True)
def association_detail(request, pk):
    association = get_object_or_404(selectors.association_list(), pk=pk)
    members = selectors.association_members(association)
    return render(
        request, "coaching/association_detail.html", {"association": association, "members": members}
    )


@permission_required("coaching.add_membership", raise_exception=True)
def association_add_members(request, pk):
    association = get_object_or_404(Association, pk=pk)
    candidates = selectors.businesses_not_members(association)
    search, results = business_search(request, candidates)
    form = PickForm(request.POST or None, choices=request.POST.getlist("business"))
    added = submitted(
        request,
        form,
        lambda data: services.memberships_add(
            association=association,
            businesses=picked(data),
            joined_on=timezone.localdate(),
            user=request.user,
        ),
    )
    if added is not None:
        messages.success(request, "Anggota baru tercatat.")
        return redirect(association)
    return pick_page(
        request,
        search,
        results,
        form,
        title=f"Tambah anggota: {association}",
        back=association,
        submit="Jadikan anggota",
        help="Tanggal bergabung dicatat hari ini.",
    )
