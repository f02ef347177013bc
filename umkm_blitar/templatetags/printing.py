"""The line a printed page carries under the office's name: its programme, quarter and the day it was printed.

Paper loses the navigation and the programme picker, so whoever reads it later needs these in words.
"""

from django import template
from django.utils import timezone

from coaching import selectors as coaching
from coaching.periods import QUARTER_NAMES, parse_quarter

register = template.Library()


@register.inclusion_tag("includes/print_context.html", takes_context=True)
def print_context(context, current_programme=False):
    """Programme and quarter of the page (?triwulan= when given, else the programme's current quarter).

    A page without a programme of its own names the one running today when it asks (current_programme),
    which costs that page one query; the others ask nothing of the database.
    """
    request, user = context.get("request"), context.get("user")
    programme = context.get("programme") or getattr(context.get("enrolment"), "programme", None)
    may_read = user is not None and user.has_perm("coaching.view_programme")
    if programme is None and current_programme and may_read:
        # A page of the registry alone is printed in the time of the programme that is running.
        programme = coaching.programme_current()
    quarter = None
    if programme is not None:
        asked = request.GET.get("triwulan") if request is not None else None
        quarter = parse_quarter(asked, default=coaching.default_quarter(programme))
    return {
        "programme": programme,
        "quarter_name": f"{QUARTER_NAMES[quarter]} {programme.year}" if quarter else "",
        "printed_on": timezone.localdate(),
    }
