"""The shapes of the codes SIPD reports by (Permendagri 90/2019 as amended by Kepmendagri 050-5889/2021).

Only the shape is checked here; which codes a programme uses is data that staf enter.
"""

from django.core.validators import RegexValidator

# [0-9], never \d: \d also takes Arabic-Indic and other digits, which no SIPD code holds.
SUB_ACTIVITY_CODE = RegexValidator(
    r"\A[0-9]\.[0-9]{2}\.[0-9]{2}\.[0-9]\.[0-9]{2}\.[0-9]{4}\Z",
    "Kode sub kegiatan harus berbentuk 2.17.08.2.01.0002 (angka dan titik).",
    code="sub_activity_code",
)
ACCOUNT_CODE = RegexValidator(
    r"\A5\.1\.02\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}\Z",
    "Kode rekening harus berbentuk 5.1.02.xx.xx.xxxx, misalnya 5.1.02.01.01.0052.",
    code="account_code",
)
NOT_FILLED = "belum diisi"
