from django.urls import path

from . import views

app_name = "registry"

# The business page itself composes registry and coaching data, so it sits in umkm_blitar/urls.py.
urlpatterns = [
    path("", views.business_list, name="business_list"),
    path("baru/", views.business_create, name="business_create"),
    path("<int:pk>/ubah/", views.business_edit, name="business_edit"),
    path("dasbor/", views.dashboard, name="dashboard"),
]
