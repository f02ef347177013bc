"""Taking in what phones recorded offline: each record through the same services as the online forms.

A batch is answered record by record. Each record runs in a transaction of its own, and its device
UUID is inserted first, under the table's unique constraint: a second copy of the record (sent again,
or by another tab or phone at the same moment) meets that constraint and is reported as a repeat, and
never written twice. A record the services refuse rolls back with its UUID, so the device can correct
it and send it again.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from coaching import selectors as coaching_selectors
from coaching import services as coaching_services
from coaching.indicators import INDICATORS
from coaching.models import CoachingSession, Enrolment, Event, Programme, Topic
from coaching.permissions import check_may_record_for, records_for_any_business
from registry import services as registry_services
from registry.formatting import tanggal
from registry.models import Business, Desa, Kecamatan, Sector
from registry.selectors import who_did
from registry.validators import normalize_phone

from .models import OfflineRecord

MAX_BATCH = 500
ACCEPTED, MATCHED, REPEAT, REFUSED = "diterima", "cocok", "sudah_diterima", "ditolak"


class Refused(Exception):
    """The record cannot be taken as it is: the message says why, in Indonesian."""

    def __init__(self, message: str, *, current: dict | None = None):
        super().__init__(message)
        self.current = current or {}


@dataclass
class Answer:
    uuid: str
    status: str
    message: str
    current: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        answer = {"uuid": self.uuid, "status": self.status, "message": self.message}
        if self.current:
            answer["current"] = self.current
        return answer


def sync_batch(*, user, records) -> list[dict]:
    """Take a batch of records from one device; one answer per record, in the order sent."""
    if not isinstance(records, list):
        raise ValidationError("Kiriman harus berisi daftar catatan.")
    if len(records) > MAX_BATCH:
        raise ValidationError(f"Paling banyak {MAX_BATCH} catatan sekali kirim.")
    known = {}  # the batch's drives, desa, sectors and programmes, each read once
    return [sync_record(user=user, raw=raw, known=known).as_dict() for raw in records]


def sync_record(*, user, raw, known: dict | None = None) -> Answer:
    raw = raw if isinstance(raw, dict) else {}
    label = str(raw.get("uuid", ""))
    try:
        device_uuid, kind, device_time = _envelope(raw)
    except Refused as refusal:
        return Answer(label, REFUSED, str(refusal))
    data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    try:
        record, message = _take(device_uuid, kind, device_time, user, data, {} if known is None else known)
    except Repeat:
        return _repeat(device_uuid)
    except Refused as refusal:
        return Answer(label, REFUSED, str(refusal), refusal.current)
    except registry_services.StaleEdit as stale:
        return Answer(label, REFUSED, _what_changed(stale, data), {"version": stale.current_version})
    except ValidationError as error:
        return Answer(label, REFUSED, describe(error))
    except PermissionDenied:
        return Answer(label, REFUSED, "Anda tidak berhak mencatat ini.")
    status = MATCHED if record.status == OfflineRecord.Status.MATCHED else ACCEPTED
    return Answer(label, status, message)


def _what_changed(stale: registry_services.StaleEdit, data: dict) -> str:
    """The refusal of a stale session, with what was changed since the download (old → new)."""
    session = CoachingSession.objects.filter(pk=_whole(data.get("session"), "Sesi")).first()
    entries = coaching_selectors.session_changes_since(session, stale.loaded_version) if session else []
    changes = [f"{c.label}: {c.old} → {c.new}" for entry in entries for c in entry.changes]
    told = str(stale).replace(" Periksa perubahan mereka di bawah, lalu simpan lagi.", "")
    if changes:
        told += " Yang berubah: " + "; ".join(changes) + "."
    return told + " Periksa, lalu simpan dan kirim lagi."


def _envelope(raw: dict) -> tuple[uuid.UUID, str, datetime.datetime]:
    try:
        device_uuid = uuid.UUID(str(raw.get("uuid")))
    except ValueError:
        raise Refused("Catatan tanpa UUID perangkat yang sah.") from None
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in APPLY:
        raise Refused("Jenis catatan tidak dikenal.")
    try:
        device_time = parse_datetime(str(raw.get("device_time") or ""))
    except ValueError:  # well-formed but impossible: 2024-02-31
        device_time = None
    if device_time is None:
        raise Refused("Waktu perangkat tidak terbaca.")
    if timezone.is_naive(device_time):
        device_time = timezone.make_aware(device_time)
    return device_uuid, kind, device_time


class Repeat(Exception):
    """The record's UUID is taken: it was received before."""


def _take(device_uuid, kind, device_time, user, data: dict, known: dict) -> tuple[OfflineRecord, str]:
    """Write the record in one transaction, its UUID first; (row, message), or Repeat.

    The UUID's row goes in first, under the unique constraint. On PostgreSQL a second insert of the
    same UUID waits for the first transaction: if that commits, the insert fails on the constraint and
    the record is a repeat; if it rolls back (refused), this one goes on. A walk-in whose NIK or NIB
    another phone registered in the same moment fails on that constraint instead: written again, it
    is then a match. No savepoints: a failed insert undoes the record's whole transaction, and the
    record is small.
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                record = OfflineRecord.objects.create(
                    device_uuid=device_uuid, kind=kind, device_time=device_time, sent_by=user
                )
                message = APPLY[kind](record=record, user=user, data=data, known=known)
                record.summary = record.summary[:255]
                record.save()
                return record, message
        except IntegrityError:
            if OfflineRecord.objects.filter(device_uuid=device_uuid).exists():
                raise Repeat from None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _repeat(device_uuid) -> Answer:
    earlier = OfflineRecord.objects.select_related("sent_by").filter(device_uuid=device_uuid).first()
    if earlier is None:  # taken and rolled back in between: the device sends it again next time
        return Answer(str(device_uuid), REFUSED, "Catatan ini sedang diproses; kirim lagi sebentar.")
    when = timezone.localtime(earlier.received_at)
    return Answer(
        str(device_uuid),
        REPEAT,
        f"Sudah diterima sebelumnya ({tanggal(when)} {when:%H.%M}, {earlier.get_status_display().lower()}); "
        "tidak dicatat dua kali.",
    )


def describe(error: ValidationError) -> str:
    """A service's ValidationError as one Indonesian sentence, field names left out."""
    if hasattr(error, "error_dict"):
        messages = [message for messages in error.message_dict.values() for message in messages]
    else:
        messages = error.messages
    return " ".join(dict.fromkeys(messages)) or "Isian tidak sah."


# --- reading the device's fields ------------------------------------------------------------------


def _row(model, value, what: str, queryset=None):
    queryset = model.objects.all() if queryset is None else queryset
    try:
        return queryset.get(pk=_whole(value, what))
    except (Refused, model.DoesNotExist):
        raise Refused(f"{what} tidak ditemukan.") from None


def _reference(known: dict, model, value, what: str, queryset=None):
    """_row for the rows a batch names again and again (a drive, a desa, a sector): read once a batch."""
    key = (model, str(value))
    if key not in known:
        known[key] = _row(model, value, what, queryset)
    return known[key]


def _day(value, what: str) -> datetime.date:
    try:
        day = parse_date(str(value or ""))
    except ValueError:  # well-formed but impossible: 2024-02-31
        day = None
    if day is None:
        raise Refused(f"Tanggal {what} tidak terbaca.")
    return day


BIGGEST = 2**63 - 1  # a database's bigint: beyond it a query fails instead of finding nothing


def _whole(value, what: str, *, default=None) -> int | None:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Refused(f"{what} harus bilangan bulat.") from None
    if isinstance(value, bool | float) or abs(number) > BIGGEST:
        raise Refused(f"{what} harus bilangan bulat.")
    return number


def _text(data: dict, name: str, limit: int = 255) -> str:
    value = data.get(name)
    text = "" if value is None else str(value).strip()
    if "\x00" in text:  # as the online forms refuse it (and PostgreSQL cannot store it)
        raise Refused("Isian tidak boleh berisi karakter NUL.")
    return text[:limit]


# --- a coaching session and its attendance -----------------------------------------------------------


def _attendees(*, user, data: dict, programme: Programme) -> list[Business]:
    ids = data.get("attendees") or []
    if not isinstance(ids, list):
        raise Refused("Daftar hadir tidak terbaca.")
    wanted = {_whole(pk, "Usaha") for pk in ids}
    businesses = list(Business.objects.filter(pk__in=wanted))
    if len(businesses) != len(wanted):
        raise Refused("Ada usaha di daftar hadir yang tidak ditemukan.")
    if not records_for_any_business(user):
        # A pendamping sends attendance only for the businesses assigned to them.
        own = set(
            Enrolment.objects.filter(programme=programme, pendamping=user, business__in=businesses)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .values_list("business_id", flat=True)
        )
        strangers = sorted(business.name for business in businesses if business.pk not in own)
        if strangers:
            raise Refused(f"Bukan usaha dampingan Anda: {', '.join(strangers)}.")
    return businesses


def apply_session(*, record: OfflineRecord, user, data: dict, known: dict) -> str:
    if data.get("session"):
        return _attend_known_session(record=record, user=user, data=data)
    programme = _reference(known, Programme, data.get("programme"), "Program")
    topic_ids = data.get("topics") or []
    if not isinstance(topic_ids, list):
        raise Refused("Topik tidak terbaca.")
    topics = list(Topic.objects.filter(pk__in=[_whole(pk, "Topik") for pk in topic_ids]))
    fields = {
        "programme": programme,
        "held_on": _day(data.get("held_on"), "sesi"),
        "duration_minutes": _whole(data.get("duration_minutes"), "Lama sesi", default=120),
        "kind": _text(data, "kind", 10),
        "kecamatan": _reference(known, Kecamatan, data.get("kecamatan"), "Kecamatan"),
        "desa": _reference(known, Desa, data.get("desa"), "Desa") if data.get("desa") else None,
        "venue": _text(data, "venue", 200),
        "speaker": _text(data, "speaker", 200),
        "notes": _text(data, "notes", 5000),
    }
    attendees = _attendees(user=user, data=data, programme=programme)
    session = coaching_services.session_record(user=user, fields=fields, topics=topics, attendees=attendees)
    record.session = session
    record.summary = f"{session} — {len(attendees)} hadir"
    return f"Sesi tersimpan: {session}, {len(attendees)} usaha hadir."


def _attend_known_session(*, record: OfflineRecord, user, data: dict) -> str:
    """Attendance on a session downloaded to the device: refused if the session changed since."""
    session = _row(CoachingSession, data.get("session"), "Sesi")
    locked = CoachingSession.objects.select_for_update().select_related("programme").get(pk=session.pk)
    check_may_record_for(user, locked.pendamping_id)
    registry_services.check_version(locked, _whole(data.get("version"), "Versi sesi"), what="Sesi ini")
    attendees = _attendees(user=user, data=data, programme=locked.programme)
    added = coaching_services.attendance_add(session=locked, businesses=attendees, user=user)
    record.session = locked
    record.summary = f"{locked} — {added} hadir ditambahkan"
    return f"Kehadiran tersimpan di {locked}: {added} usaha ditambahkan."


# --- an assessment ---------------------------------------------------------------------------------

MONEY_AND_COUNTS = {"turnover": "Omzet", "capital": "Modal usaha", "employees": "Jumlah tenaga kerja"}


def apply_assessment(*, record: OfflineRecord, user, data: dict, known: dict) -> str:  # noqa: ARG001
    enrolment = _row(Enrolment, data.get("enrolment"), "Peserta binaan")
    enrolment = Enrolment.objects.select_for_update().select_related("business").get(pk=enrolment.pk)
    check_may_record_for(user, enrolment.pendamping_id)
    _check_no_newer_assessment(enrolment, data.get("latest_assessment"))
    fields = {"assessed_on": _day(data.get("assessed_on"), "penilaian"), "notes": _text(data, "notes", 5000)}
    for name, label in MONEY_AND_COUNTS.items():
        fields[name] = _whole(data.get(name), label, default=0 if name == "employees" else None)
    for name in INDICATORS:
        fields[name] = bool(data.get(name))
    assessment = coaching_services.assessment_record(enrolment=enrolment, user=user, fields=fields)
    record.assessment = assessment
    record.business = enrolment.business
    record.summary = f"{assessment.get_kind_display()} {enrolment.business.name}"
    return f"{assessment.get_kind_display()} {enrolment.business.name} tersimpan."


def _check_no_newer_assessment(enrolment: Enrolment, known) -> None:
    """The device saw the enrolment's latest assessment as `known`: refuse if one was recorded since."""
    latest = enrolment.assessments.select_related("recorded_by").order_by("id").last()
    known = _whole(known, "Penilaian terakhir")
    if latest is None or latest.pk == known:
        return
    raise Refused(
        f"Sejak data diunduh, {latest.get_kind_display().lower()} {enrolment.business.name} bertanggal "
        f"{tanggal(latest.assessed_on)} sudah dicatat oleh {who_did(latest.recorded_by)}. "
        "Periksa isian Anda, lalu simpan dan kirim lagi.",
        current={"latest_assessment": latest.pk},
    )


# --- a walk-in at a drive ---------------------------------------------------------------------------


def apply_walk_in(*, record: OfflineRecord, user, data: dict, known: dict) -> str:
    event = _reference(known, Event, data.get("event"), "Kegiatan", Event.objects.select_related("programme"))
    record.event = event
    desa = _reference(known, Desa, data.get("desa"), "Desa", Desa.objects.select_related("kecamatan"))
    kecamatan_id = _whole(data.get("kecamatan"), "Kecamatan")
    if kecamatan_id is not None and kecamatan_id != desa.kecamatan_id:
        raise Refused(f"Desa {desa.name} tidak terletak di kecamatan yang dipilih.")
    fields = {
        "name": _text(data, "name", 200),
        "owner_name": _text(data, "owner_name", 150),
        "owner_nik": _text(data, "owner_nik", 16) or None,
        "owner_gender": _text(data, "owner_gender", 1),
        "phone": normalize_phone(_text(data, "phone", 30)),
        "nib": _text(data, "nib", 13) or None,
        "desa": desa,
        "kecamatan_id": desa.kecamatan_id,
        "sector": _reference(known, Sector, data.get("sector"), "Sektor"),
        "address": _text(data, "address"),
    }
    purpose = _text(data, "purpose", 100)
    record.summary = f"{fields['name']} — {event.name}"
    existing = _known_business(fields["owner_nik"], fields["nib"])
    if existing is None:
        # Another phone registering the same NIK or NIB at this moment makes this fail: on the unique
        # check if that phone's record is committed by then (a match, below), or else on the unique
        # constraint (_take then writes the record again, and it is a match).
        try:
            business = registry_services.business_create(
                user=user, fields=fields, change_reason=f"Didaftarkan luring di {event.name}"
            )
        except ValidationError as error:
            existing = _registered_meanwhile(error, fields)
    if existing is not None:
        # What staf compare with the business it matched: the fields as read, nothing else sent.
        typed = {name: fields[name] for name in ("name", "owner_name", "owner_nik", "phone", "nib")}
        return _match(record=record, business=existing, data={**typed, "purpose": purpose, "desa": desa.name})
    coaching_services.event_add_participants(event=event, businesses=[business], user=user)
    record.business = business
    return f"{business.name} terdaftar di registri dan hadir di {event.name}."


def _registered_meanwhile(error: ValidationError, fields: dict) -> Business:
    """The business another phone registered with this NIK or NIB since the look-up; else the error."""
    codes = {e.code for name in ("owner_nik", "nib") for e in getattr(error, "error_dict", {}).get(name, [])}
    existing = _known_business(fields["owner_nik"], fields["nib"]) if "unique" in codes else None
    if existing is None:
        raise error
    return existing


def _known_business(nik: str | None, nib: str | None) -> Business | None:
    wanted = Q(pk__in=[])
    if nik:
        wanted |= Q(owner_nik=nik)
    if nib:
        wanted |= Q(nib=nib)
    return Business.objects.select_related("desa").filter(wanted).order_by("pk").first()


def _match(*, record: OfflineRecord, business: Business, data: dict) -> str:
    record.status = OfflineRecord.Status.MATCHED
    record.business = business
    record.payload = data
    return (
        f"Cocok dengan usaha yang ada: {business.name} (Desa {business.desa.name}). "
        "Staf akan memeriksa dan mengonfirmasinya."
    )


APPLY = {
    OfflineRecord.Kind.SESSION: apply_session,
    OfflineRecord.Kind.ASSESSMENT: apply_assessment,
    OfflineRecord.Kind.WALK_IN: apply_walk_in,
}


# --- staf review of matched walk-ins ----------------------------------------------------------------


@transaction.atomic
def offline_record_review(*, record: OfflineRecord, user, same_business: bool) -> OfflineRecord:
    """Staf say whether a matched walk-in is the business it matched; if so, it attended the drive."""
    if not user.has_perm("fieldwork.change_offlinerecord"):
        raise PermissionDenied
    record = (
        OfflineRecord.objects.select_for_update(of=("self",))
        .select_related("event", "business")
        .get(pk=record.pk)
    )
    if record.status != OfflineRecord.Status.MATCHED:
        raise ValidationError("Catatan ini sudah ditinjau.")
    if same_business and (record.event is None or record.business is None):
        raise ValidationError("Usaha atau kegiatan catatan ini sudah dihapus; daftarkan secara manual.")
    if same_business:
        coaching_services.event_add_participants(event=record.event, businesses=[record.business], user=user)
        record.status = OfflineRecord.Status.CONFIRMED
    else:
        record.status = OfflineRecord.Status.DISMISSED
    record.reviewed_by = user
    record.reviewed_at = timezone.now()
    # The NIK and phone typed at the drive are no longer needed once staf have looked.
    record.payload = {}
    record.save()
    return record
