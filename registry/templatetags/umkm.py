from django import template

from registry import formatting
from registry.permissions import may_see_nik

register = template.Library()

register.filter("rupiah", formatting.rupiah)
register.filter("tanggal", formatting.tanggal)
register.filter("tanggal_jam", formatting.tanggal_jam)
register.filter("ribuan", formatting.thousands)
register.filter("persen", formatting.percent)
register.filter("desimal", formatting.one_decimal)


@register.filter
def persen_dari(part, whole) -> str:
    """{{ spent|persen_dari:allocation }} → '40,5 %'."""
    return formatting.percent(formatting.share_percent(part or 0, whole or 0))


@register.simple_tag(takes_context=True)
def nik(context, value):
    """The NIK whole for those allowed to see it, masked for everyone else."""
    user = context["request"].user
    if value and may_see_nik(user):
        return value
    return formatting.mask_nik(value)


@register.filter
def nama(user, empty="—") -> str:
    """A person's full name, else their login; `empty` when there is nobody."""
    if not user:
        return empty
    return user.get_full_name() or user.username


@register.filter
def ya_tidak(value) -> str:
    return "Ya" if value else "Tidak"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def lebar(percent) -> str:
    """The class that sets a progress bar's width, 0–100 (static/css/app.css): 37.6 → 'w-pct-38'.

    The Content-Security-Policy allows no inline style, so a width is a class, not style="width: …".
    """
    try:
        value = round(float(percent))
    except (TypeError, ValueError):
        value = 0
    return f"w-pct-{min(max(value, 0), 100)}"
