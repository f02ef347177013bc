from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_notice, name="notice"),
    path("permintaan/", views.subject_request_list, name="subject_request_list"),
    path("permintaan/<int:pk>/jawab/", views.subject_request_answer, name="subject_request_answer"),
    path("permintaan/<int:pk>/ekspor/", views.subject_request_export, name="subject_request_export"),
]
