from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import registry.urls
from fieldwork import views as fieldwork_views

from . import views
from .auth import AdminLoginForm, LoginForm

admin.site.site_header = "UMKM Blitar — Administrasi"
admin.site.site_title = "UMKM Blitar"
admin.site.login_form = AdminLoginForm

# The business page shows registry and coaching data together, so its view lives here, on top of
# both apps, while keeping its place and name in the registry's URLs.
registry_patterns = [
    path("<int:pk>/", views.business_detail, name="business_detail"),
    *registry.urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("cakupan/", views.coverage, name="coverage"),
    path("kecamatan/<int:pk>/", views.kecamatan_detail, name="kecamatan_detail"),
    path("masuk/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("keluar/", fieldwork_views.clear_site_data(auth_views.LogoutView.as_view()), name="logout"),
    path("akun/kata-sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("registri/", include((registry_patterns, registry.urls.app_name))),
    path("", include("coaching.urls")),
    path("luring/", include("fieldwork.urls")),
    path("manifest.webmanifest", fieldwork_views.manifest, name="manifest"),
    path("sw.js", fieldwork_views.service_worker, name="service_worker"),
    path("api/v1/", include("umkm_blitar.api.urls")),
    path("privasi/", include("privacy.urls")),
    path("admin/", admin.site.urls),
]
