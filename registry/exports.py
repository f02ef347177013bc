"""Writing lists out to spreadsheets: what every export shares."""

# A cell that starts with one of these is read as a formula by Excel, LibreOffice and Google Sheets
# (CSV injection): "=HYPERLINK(...)" in a business name must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet will never run: a leading apostrophe before a formula's first sign.

    Numbers, dates and empty values pass through untouched, so negative amounts stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
