from django.urls import path

from . import views

app_name = "fieldwork"

urlpatterns = [
    path("", views.home, name="home"),
    path("bekal/", views.bundle, name="bundle"),
    path("status/", views.status, name="status"),
    path("kirim/", views.sync, name="sync"),
    path("tinjau/", views.review_list, name="review_list"),
    path("tinjau/<int:pk>/", views.review, name="review"),
]
