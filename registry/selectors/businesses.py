"""The registry's businesses: the list with its joins, look-alikes of one being entered, a KBLI title."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ..models import Business, KbliCode


def business_list() -> QuerySet[Business]:
    return Business.objects.select_related("kecamatan", "desa", "sector")


@dataclass
class Duplicate:
    business: Business
    reasons: list[str]

    @property
    def blocking(self) -> bool:
        """NIK and NIB are unique: such a match cannot be saved anyway."""
        return any(reason != "nama" for reason in self.reasons)


def business_find_duplicates(
    *, name: str = "", desa_id=None, nik: str = "", nib: str = "", exclude_pk=None
) -> list[Duplicate]:
    """Businesses that look like the one being entered: same NIK, same NIB, or same name in the desa."""
    name = " ".join(name.split())
    condition = Q(pk__in=[])
    if nik:
        condition |= Q(owner_nik=nik)
    if nib:
        condition |= Q(nib=nib)
    if name and desa_id:
        condition |= Q(name__iexact=name, desa_id=desa_id)
    matches = business_list().filter(condition)
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    duplicates = []
    for business in matches[:10]:
        reasons = []
        if nik and business.owner_nik == nik:
            reasons.append("NIK")
        if nib and business.nib == nib:
            reasons.append("NIB")
        if name and desa_id and business.desa_id == int(desa_id) and business.name.lower() == name.lower():
            reasons.append("nama")
        duplicates.append(Duplicate(business, reasons))
    return duplicates


def kbli_title(code: str) -> str:
    """The KBLI 2020 title when the code is on the pick list, else ''."""
    if not code:
        return ""
    return KbliCode.objects.filter(code=code).values_list("title", flat=True).first() or ""
