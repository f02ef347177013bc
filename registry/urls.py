from django.urls import path

from . import views

app_name = "registry"

# The business page itself composes registry and coaching data, so it sits in umkm_blitar/urls.py.
urlpatterns = [
    path("", views.business_list, name="business_list"),
    path("ekspor/", views.business_export, name="business_export"),
    path("baru/", views.business_create, name="business_create"),
    path("<int:pk>/ubah/", views.business_edit, name="business_edit"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("data-terbuka.zip", views.open_data_download, name="open_data"),
    path("impor/", views.import_upload, name="import_upload"),
    path("impor/templat.xlsx", views.import_template, name="import_template"),
    path("impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("impor/<int:pk>/konfirmasi/", views.import_confirm, name="import_confirm"),
    path("impor/<int:pk>/ulang/", views.import_retry, name="import_retry"),
    path("ekspor/<int:pk>/", views.export_job_detail, name="export_job_detail"),
    path("ekspor/<int:pk>/unduh/", views.export_job_download, name="export_job_download"),
    path("ekspor/<int:pk>/ulang/", views.export_job_retry, name="export_job_retry"),
]
