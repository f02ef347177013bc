"""What a clerk posts on the business form: a valid baseline to change one field at a time."""

from registry.models import Desa, Sector

KARANGGAYAM = "35.05.03.2001"  # Desa Karanggayam, Kecamatan Srengat


def business_post(**changes) -> dict:
    """POST data for a valid new business in Karanggayam; keyword arguments replace fields."""
    desa = Desa.objects.get(code=KARANGGAYAM)
    data = {
        "name": "Keripik Tempe Bu Sri",
        "owner_name": "Sri Wahyuni",
        "owner_nik": "",
        "owner_gender": "P",
        "phone": "0812 3456 7890",
        "nib": "",
        "kecamatan": str(desa.kecamatan_id),
        "desa": str(desa.pk),
        "address": "RT 02 RW 01, Desa Karanggayam",
        "sector": str(Sector.objects.get(slug="makanan").pk),
        "kbli_code": "10391",
        "year_founded": "2015",
        "registered_on": "2024-05-02",
        "employees": "3",
        "turnover": "Rp 120.000.000",
        "capital": "25.000.000",
        "status": "aktif",
        # The version an edit form carries (a new business's is 1); the create form has no such field.
        "version": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
