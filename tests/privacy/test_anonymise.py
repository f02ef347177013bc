"""Anonymising a business leaves no copy of the person: not in the database (its whole dump), not in the
media folder; the registry's counts stay the same; the act is logged without the personal values."""

import datetime
import io
import subprocess
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import OfflineRecord
from privacy.access import Kind, record
from privacy.models import AccessLogEntry
from privacy.services import business_anonymise
from registry.models import Business, ExportJob, RegistryImport
from registry.selectors import registry_overview, registry_summary
from registry.selectors.open_data import open_data_counts
from tests.factories import BusinessFactory
from tests.world import build_world

NIK = "3505036112870004"
OLD_PHONE = "081377712345"
PHONE = "085855512399"
OWNER = "Wiwik Setyaningrum"
OLD_OWNER = "Wiwik Setyaningsih"
PERSONAL = [NIK, PHONE, OLD_PHONE, OWNER, OLD_OWNER]

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def xlsx_with(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def demo_like_world(users):
    """The person's business with a history, an enrolment with evidence, a session, an import and an
    export that name them, and a neighbour whose data must stay."""
    world = build_world(users)
    person = BusinessFactory(name="Rengginang Bu Wiwik", owner_name=OLD_OWNER, owner_nik=NIK, phone=OLD_PHONE,
                             address="Dusun Krajan RT 02", turnover=90_000_000)  # fmt: skip
    person.owner_name, person.phone = OWNER, PHONE
    person._change_reason = f"Nomor HP {OLD_PHONE} diganti"
    person.save()
    neighbour = BusinessFactory(
        name="Sale Pisang Pak Darto", owner_name="Darto Sumarno", owner_nik="3505031204800003"
    )
    enrolment = world.enrol(person, pendamping=users["pendamping"])
    world.assess(enrolment, users["pendamping"], notes=f"Wawancara dengan {OWNER}, HP {PHONE}")
    world.hold_session(attendees=[enrolment], recorded_by=users["pendamping"])
    enrolment.verification_note = f"KTP {OWNER} ({NIK}) diperiksa"
    enrolment.evidence.save("bukti.pdf", ContentFile(f"%PDF-1.4 KTP {NIK} {OWNER}".encode()), save=True)
    registry_import = RegistryImport.objects.create(
        file_name="registri.csv",
        status=RegistryImport.Status.DONE,
        created_by=users["staf"],
        preview={
            "rows": [{"owner_nik": NIK, "owner_name": OWNER, "phone": PHONE}, {"owner_name": "Darto Sumarno"}]
        },
    )
    registry_import.file.save(
        "registri.csv",
        ContentFile(f"nama;pemilik;nik;hp\nRengginang;{OWNER};{NIK};{PHONE}\n".encode("cp1252")),
    )
    # What a preview keeps beside the upload for its apply (registry.imports.remembered and decided).
    Path(f"{registry_import.file.path}.rows.json").write_text(f'{{"rows": [[2, {{"owner_nik": "{NIK}"}}]]}}')
    Path(f"{registry_import.file.path}.plan.json").write_text(f'{{"creates": [{{"owner_name": "{OWNER}"}}]}}')
    other_import = RegistryImport.objects.create(
        file_name="lain.csv", status=RegistryImport.Status.DONE, created_by=users["staf"]
    )
    other_import.file.save("lain.csv", ContentFile(b"nama;pemilik\nSale Pisang;Darto Sumarno\n"))
    export_job = ExportJob.objects.create(
        exporter="registry:business_export",
        parameters={"q": [OWNER]},
        title="Registri UMKM",
        file_name="registri.xlsx",
        status=ExportJob.Status.DONE,
        created_by=users["staf"],
    )
    export_job.file.save("registri.xlsx", ContentFile(xlsx_with([["Nama", "NIK"], [OWNER, NIK]])))
    record(
        users["staf"], Kind.EXPORT, path=f"/registri/ekspor/?q={OWNER.replace(' ', '+')}", filter=f"q={NIK}"
    )
    # A walk-in typed on a phone at a drive, matched to the business and waiting for staf's review.
    OfflineRecord.objects.create(
        device_uuid=uuid.uuid4(),
        kind=OfflineRecord.Kind.WALK_IN,
        status=OfflineRecord.Status.MATCHED,
        sent_by=users["pendamping"],
        device_time=timezone.now(),
        summary=f"{person.name} — {OWNER}",
        payload={"data": {"name": person.name, "owner_name": OWNER, "owner_nik": NIK, "phone": PHONE}},
        business=person,
    )
    return person, neighbour, enrolment, registry_import, other_import, export_job


def dump_of_the_database() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    settings = connection.settings_dict
    command = [
        "pg_dump",
        "--no-owner",
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-U",
        settings["USER"],
        settings["NAME"],
    ]
    if settings.get("PORT"):
        command += ["-p", str(settings["PORT"])]
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


def texts_in_media(root: Path) -> list[str]:
    """Every file under the media folder as text, archive members (an .xlsx) unpacked."""
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    found += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
            else:
                found += [data.decode("utf-8", "replace"), data.decode("cp1252", "replace")]
    return found


def counts():
    return registry_summary(), registry_overview(today=datetime.date(2024, 12, 31)), list(open_data_counts())


@committed
def test_after_anonymising_no_dump_and_no_media_file_holds_the_person_and_counts_stay(users, media):
    person, neighbour, enrolment, registry_import, other_import, export_job = demo_like_world(users)
    before = counts()
    dump = dump_of_the_database()
    assert all(value in dump for value in PERSONAL)  # the check below can fail
    assert any(NIK in text for text in texts_in_media(media))

    call_command(
        "anonymise_business", str(person.pk), alasan="Permintaan penghapusan 3 Desember", pengguna="staf-uji"
    )

    dump = dump_of_the_database()
    for value in PERSONAL:
        assert value not in dump, value
    for text in texts_in_media(media):
        for value in PERSONAL:
            assert value not in text, value
    assert counts() == before
    assert "Darto Sumarno" in dump and "3505031204800003" in dump  # the neighbour is untouched
    other_import.refresh_from_db()
    assert other_import.file and Path(other_import.file.path).exists()

    person.refresh_from_db()
    assert (person.owner_name, person.owner_nik, person.phone, person.address) == (
        "(dianonimkan)",
        None,
        "",
        "",
    )
    assert person.name == f"Usaha #{person.pk} (dianonimkan)"
    assert (person.kecamatan_id, person.sector_id, person.size_class, person.status) == (
        neighbour.kecamatan_id, neighbour.sector_id, neighbour.size_class, neighbour.status,
    )  # fmt: skip
    assert person.history.count() == 3  # created, changed, anonymised: the rows stay, emptied
    assert set(person.history.values_list("owner_name", flat=True)) == {"(dianonimkan)"}
    enrolment.refresh_from_db()
    assert (
        not enrolment.evidence and enrolment.assessments.count() == 1 and enrolment.attendances.count() == 1
    )
    [act] = AccessLogEntry.objects.filter(kind=Kind.ANONYMISE)
    assert act.username == "staf-uji" and act.business_id_list == [person.pk]
    assert act.note.startswith("Permintaan penghapusan 3 Desember — riwayat: 2 baris, berkas dihapus: 3")


@pytest.mark.django_db
def test_an_unknown_id_stops_the_command_before_anything_changes(users):
    business = BusinessFactory(owner_nik=NIK)
    with pytest.raises(CommandError, match="Usaha tidak ada: 999999"):
        call_command("anonymise_business", str(business.pk), "999999", alasan="uji")
    business.refresh_from_db()
    assert business.owner_nik == NIK
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_the_admin_action_asks_for_a_reason_then_anonymises(users, client_for, media):
    business = BusinessFactory(owner_nik=NIK, owner_name=OWNER)
    admin = client_for("admin")
    changelist = reverse("admin:registry_business_changelist")
    asked = admin.post(changelist, {"action": "anonymise", "_selected_action": [business.pk]})
    assert asked.status_code == 200 and "Alasan anonimisasi" in asked.text
    business.refresh_from_db()
    assert business.owner_nik == NIK  # nothing yet
    refused = admin.post(
        changelist, {"action": "anonymise", "_selected_action": [business.pk], "confirm": "1"}
    )
    assert refused.status_code == 200
    business.refresh_from_db()
    assert business.owner_nik == NIK
    done = admin.post(
        changelist,
        {
            "action": "anonymise",
            "_selected_action": [business.pk],
            "confirm": "1",
            "reason": "Usaha tutup, diminta pemilik",
        },
    )
    assert done.status_code == 302
    business.refresh_from_db()
    assert business.owner_nik is None and business.owner_name == "(dianonimkan)"
    assert AccessLogEntry.objects.get(kind=Kind.ANONYMISE).username == "admin-uji"


@pytest.mark.django_db
def test_closed_businesses_are_anonymised_automatically_only_when_switched_on(users, settings):
    closed = BusinessFactory(owner_nik=NIK, status=Business.Status.CLOSED)
    Business.objects.filter(pk=closed.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    recent = BusinessFactory(owner_nik="3505031204800003", status=Business.Status.CLOSED)
    active = BusinessFactory(owner_nik="3505035506920002")
    Business.objects.filter(pk=active.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    settings.ANONYMISE_CLOSED_AFTER_DAYS = 0
    call_command("anonymise_closed_businesses")
    closed.refresh_from_db()
    assert closed.owner_nik == NIK
    settings.ANONYMISE_CLOSED_AFTER_DAYS = 365
    call_command("anonymise_closed_businesses")
    for business in (closed, recent, active):
        business.refresh_from_db()
    assert (closed.owner_nik, recent.owner_nik, active.owner_nik) == (
        None,
        "3505031204800003",
        "3505035506920002",
    )


@committed  # files go once the transaction commits: a real commit, or none, is needed to see it
def test_a_failed_anonymisation_keeps_the_files(users, media, monkeypatch):
    person, *_ = demo_like_world(users)
    files = sorted(path for path in Path(media).rglob("*") if path.is_file())
    monkeypatch.setattr(
        "privacy.services.access.record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("gagal"))
    )
    with pytest.raises(RuntimeError):
        business_anonymise(business=person, user=users["staf"], reason="uji")
    assert sorted(path for path in Path(media).rglob("*") if path.is_file()) == files
    person.refresh_from_db()
    assert person.owner_nik == NIK
