"""What the property tests share: hostile values, the POST a page's form sends, and database snapshots."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.db import transaction
from hypothesis import strategies as st

# --- hostile values ----------------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://evil","klik")', "+1+1", "-2+3", "@SUM(A1)"]
NONEXISTENT_ID = "987654321"

HOSTILE = [
    "",
    " ",
    "\x00",
    "Keripik\x00Tempe",
    "x" * 20_000,
    "9" * 5_000,
    "🙂🏳️‍🌈👩🏽‍🌾",
    "\u202eRTL\u202c مرحبا",
    "Z\u0336\u0301\u0316" * 40,
    "\u200b\ufeff",
    "\r\n\t",
    "-1",
    "0",
    "-0",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "1.5",
    "1,5",
    "0x10",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes
    "²",  # isdigit() says yes, int() says no
    "１２３",  # full-width digits
    "Rp -5.000",
    "31/02/2024",
    "0000-00-00",
    "2024-02-30",
    "2024-13-01",
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "2024-05-02T10:00",
    "1 Mei 2024",
    "'; DROP TABLE registry_business; --",
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    SCRIPT,
    IMG,
    *FORMULAS,
    "{{ 7*7 }}",
    "{% debug %}",
    "../../etc/passwd",
    "None",
    "null",
    "true",
    "on",
    "[]",
    NONEXISTENT_ID,
]

# The values that have broken views before, drawn more often than the rest.
SHARP = [
    "",
    " ",
    "\x00",
    "²",
    "9" * 5_000,
    "1e309",
    "NaN",
    "-1",
    "9223372036854775808",
    NONEXISTENT_ID,
    "31/02/2024",
]

hostile_scalars = st.one_of(
    st.sampled_from(SHARP),
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(repr),
    st.dates().map(lambda day: day.isoformat()),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
)
# A list where the form expects one value (or none at all: the field goes missing).
hostile_values = st.one_of(hostile_scalars, st.lists(hostile_scalars, max_size=3))
# Names a form never declares: a crafted POST may still send them (mass assignment).
FOREIGN_NAMES = [
    "id",
    "pk",
    "size_class",
    "created_at",
    "recorded_by",
    "programme",
    "status",
    "kind",
    "verified_by",
]


def mutated(draw, base: dict[str, list[str]], names) -> dict[str, list[str]]:
    """`base` with one to four fields (or names no form declares) set to hostile values; an empty list
    of values leaves the field out of the POST altogether."""
    data = {name: list(values) for name, values in base.items()}
    chosen = draw(
        st.lists(
            st.sampled_from(sorted(set(names) | set(FOREIGN_NAMES))), min_size=1, max_size=4, unique=True
        )
    )
    for name in chosen:
        value = draw(hostile_values)
        data[name] = value if isinstance(value, list) else [value]
    return data


# --- the POST a browser sends for a page's form ------------------------------------------------


@dataclass
class PageForm:
    method: str
    action: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def data(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return values


class _FormReader(HTMLParser):
    """The forms of a page and what each submits as it stands: inputs, the selected options, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.form = PageForm(
                (attributes.get("method") or "get").lower(),
                attributes.get("action") or "",
                attributes.get("enctype") or "",
            )
            self.forms.append(self.form)
        elif self.form is None or "disabled" in attributes:
            return
        elif tag == "input":
            name, kind = attributes.get("name"), (attributes.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.form.fields.append((name, attributes.get("value") or "on"))
                return
            self.form.fields.append((name, attributes.get("value") or ""))
        elif tag == "select" and attributes.get("name"):
            self.select = {"name": attributes["name"], "multiple": "multiple" in attributes, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attributes.get("value"), "text": "", "selected": "selected" in attributes}
            self.select["options"].append(self.option)
        elif tag == "textarea" and attributes.get("name"):
            self.textarea = {"name": attributes["name"], "text": ""}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data
        elif self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [option for option in options if option["selected"]]
            if not chosen and options and not self.select["multiple"]:
                chosen = options[:1]  # a browser sends the first option of a single select
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                if self.form is not None:
                    self.form.fields.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            if self.form is not None:
                self.form.fields.append((self.textarea["name"], text[1:] if text.startswith("\n") else text))
            self.textarea = None


def page_form(html: str, page_path: str, action_path: str | None = None) -> PageForm:
    """The POST form of a page that submits to `action_path` (by default the page itself)."""
    reader = _FormReader()
    reader.feed(html)
    wanted = action_path or page_path
    for form in reader.forms:
        if form.method == "post" and (urlsplit(form.action).path or page_path) == wanted:
            return form
    raise AssertionError(f"Halaman {page_path} tidak punya formulir POST ke {wanted}.")


# --- database snapshots ------------------------------------------------------------------------

# The tables a request of these apps may write. The large reference tables (desa, KBLI, permissions)
# no page of the apps writes; they are fingerprinted whole, the others row by row.
SNAPSHOT_APPS = ("registry", "coaching", "auth", "privacy")
REFERENCE = ("registry.desa", "registry.kblicode", "auth.permission", "auth.group_permissions")
# Reading a page that shows a whole NIK, or downloading an export, writes the access log by design.
NOT_SNAPSHOT = ("privacy.accesslogentry",)


def snapshot_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in SNAPSHOT_APPS
        and model._meta.managed
        and model._meta.label_lower not in NOT_SNAPSHOT
    ]


def snapshot() -> dict:
    """Every row of every tracked table as a fingerprint, by table and primary key."""
    rows = {}
    for model in snapshot_models():
        values = model._base_manager.order_by("pk").values_list(
            "pk", *[f.attname for f in model._meta.concrete_fields]
        )
        if model._meta.label_lower in REFERENCE:
            rows[model] = {"*": hashlib.sha1(repr(list(values)).encode()).hexdigest()}
        else:
            rows[model] = {row[0]: hashlib.sha1(repr(row[1:]).encode()).hexdigest() for row in values}
    return rows


@dataclass
class Changes:
    added: dict = field(default_factory=dict)  # model → pks
    changed: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)

    def __bool__(self):
        return bool(self.added or self.changed or self.removed)

    def describe(self) -> str:
        parts = []
        for kind in ("added", "changed", "removed"):
            for model, pks in getattr(self, kind).items():
                parts.append(f"{kind} {model._meta.label}: {sorted(pks)[:5]}")
        return "; ".join(parts)


def changes_since(before: dict) -> Changes:
    after = snapshot()
    changes = Changes()
    for model, rows in after.items():
        old = before.get(model, {})
        added = set(rows) - set(old)
        removed = set(old) - set(rows)
        changed = {pk for pk in set(rows) & set(old) if rows[pk] != old[pk]}
        for kind, pks in (("added", added), ("changed", changed), ("removed", removed)):
            if pks:
                getattr(changes, kind)[model] = pks
    return changes


def is_history(model) -> bool:
    return model._meta.model_name.startswith("historical")  # simple_history's tables


def assert_written_rows_are_whole(changes: Changes):
    """Every row a request added or changed passes full_clean(), and its history row holds its values."""
    for kind in ("added", "changed"):
        for model, pks in getattr(changes, kind).items():
            assert model._meta.label_lower not in REFERENCE, f"{model._meta.label} berubah"
            if is_history(model) or model._meta.auto_created:
                continue
            for row in model._base_manager.filter(pk__in=pks):
                row.full_clean(exclude=["password"] if model._meta.label == "auth.User" else None)
                if hasattr(model, "history"):
                    assert_history_holds(row)


def assert_history_holds(row):
    """The row's latest history record has the row's values: the save and its history went together."""
    label = f"{row._meta.label} #{row.pk}"
    record = row.history.order_by("-history_id").first()
    assert record is not None, f"{label} ditulis tanpa riwayat"
    for name in (column.attname for column in record._meta.concrete_fields):
        if hasattr(row, name) and not name.startswith("history_"):
            old, new = getattr(record, name), getattr(row, name)
            assert old == new, f"{label}: riwayat terakhir {name}={old!r}, baris {new!r}"


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back():
    """Run a block in a savepoint that is always undone: each Hypothesis example starts from one state."""
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass
