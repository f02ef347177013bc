from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.business_list, name="business_list"),
    path("baru/", views.business_create, name="business_create"),
    path("<int:pk>/", views.business_detail, name="business_detail"),
    path("<int:pk>/ubah/", views.business_edit, name="business_edit"),
]
