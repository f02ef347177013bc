"""What the coaching pages share: saving a form through a service, picking businesses, spending."""

import functools

from django.core.exceptions import ValidationError
from django.http import HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse

from registry.filters import BusinessFilter
from registry.models import Business

from .. import selectors
from ..models import CoachingSession, Event

PAGE_SIZE = 50
PICK_LIMIT = 50

# Spellings the lists' URLs used before one spelling per idea (in Indonesian, as the URLs are).
OLD_PARAMETERS = {"programme": "program", "quarter": "triwulan", "budget_line": "mata_anggaran"}


def with_old_parameters_redirected(view):
    """Send a bookmarked link with an old parameter spelling to the same URL with the current one."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not any(old in request.GET for old in OLD_PARAMETERS):
            return view(request, *args, **kwargs)
        query = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            current = OLD_PARAMETERS.get(key, key)
            if current != key and current in request.GET:
                continue  # the link names both spellings: the current one wins
            query.setlist(current, values)
        return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")

    return wrapper


def report_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def submitted(request, form, save):
    """Hand a valid POSTed form to `save` (a service call) and return what it returns.

    None when there is nothing to save yet or the service refused: its reasons are then on the form,
    by field, and the page shows the form again with nothing changed.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        report_errors(form, error)
        return None


def pick_page(request, search, results, form, *, title, back, submit, help=""):
    """The registry search with tick boxes, for adding attendees, drive participants and members."""
    return render(
        request,
        "coaching/pick_businesses.html",
        {"search": search, "results": results, "form": form, "limit": PICK_LIMIT,
         "title": title, "back": back, "submit": submit, "help": help},
    )  # fmt: skip


def spending_context(request, target: CoachingSession | Event, param: str) -> dict:
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


def business_search(request, queryset):
    """Registry search (name/owner/NIB, kecamatan, sector) for picking businesses; the first 50 hits."""
    search = BusinessFilter(request.GET or None, queryset=queryset)
    searched = any(request.GET.get(key) for key in ("q", "kecamatan", "sector"))
    results = list(search.qs[:PICK_LIMIT]) if searched else []
    return search, results


def picked(data) -> list[Business]:
    """The businesses ticked on a pick page."""
    return list(selectors.businesses_picked(data["business"]))
