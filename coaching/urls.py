from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("program/", views.programme_list, name="programme_list"),
    path("program/baru/", views.programme_create, name="programme_create"),
    path("program/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("program/<int:pk>/ubah/", views.programme_edit, name="programme_edit"),
    path("program/<int:pk>/rencana-sesi/", views.programme_plan, name="programme_plan"),
    path("program/<int:pk>/peserta/", views.cohort, name="cohort"),
    path("program/<int:pk>/peserta/tambah/", views.enrol, name="enrol"),
    path("program/<int:pk>/kandidat/", views.candidate_list, name="candidate_list"),
    path("program/<int:pk>/sesi/baru/", views.session_create, name="session_create"),
    path("binaan-saya/", views.my_businesses, name="my_businesses"),
    path("peserta/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("peserta/<int:pk>/pendamping/", views.enrolment_pendamping, name="enrolment_pendamping"),
    path("peserta/<int:pk>/mundur/", views.enrolment_withdraw, name="enrolment_withdraw"),
    path("peserta/<int:pk>/penilaian/baru/", views.assessment_create, name="assessment_create"),
    path("peserta/<int:pk>/verifikasi/", views.enrolment_verify, name="enrolment_verify"),
    path("peserta/<int:pk>/verifikasi/cabut/", views.enrolment_unverify, name="enrolment_unverify"),
    path("peserta/<int:pk>/bukti/", views.enrolment_evidence, name="enrolment_evidence"),
    path("peserta/<int:pk>/asosiasi/", views.enrolment_membership, name="enrolment_membership"),
    path("sesi/", views.session_list, name="session_list"),
    path("sesi/baru/", views.session_create_current, name="session_create_current"),
    path("sesi-saya/", views.my_sessions, name="my_sessions"),
    path("sesi/<int:pk>/", views.session_detail, name="session_detail"),
    path("sesi/<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("sesi/<int:pk>/hadir/", views.session_add_attendees, name="session_add_attendees"),
    path(
        "sesi/<int:pk>/hadir/<int:business_pk>/hapus/",
        views.session_remove_attendee,
        name="session_remove_attendee",
    ),
    path("kegiatan/", views.event_list, name="event_list"),
    path("kegiatan/baru/", views.event_create, name="event_create"),
    path("kegiatan/<int:pk>/", views.event_detail, name="event_detail"),
    path("kegiatan/<int:pk>/ubah/", views.event_edit, name="event_edit"),
    path("kegiatan/<int:pk>/peserta/", views.event_add_participants, name="event_add_participants"),
    path("kegiatan/peserta/<int:pk>/hasil/", views.event_outcome, name="event_outcome"),
    path("asosiasi/", views.association_list, name="association_list"),
    path("asosiasi/baru/", views.association_create, name="association_create"),
    path("asosiasi/<int:pk>/", views.association_detail, name="association_detail"),
    path("asosiasi/<int:pk>/anggota/", views.association_add_members, name="association_add_members"),
]
