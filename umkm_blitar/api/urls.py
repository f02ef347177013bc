from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "api"


def api(view_class):
    """The view, answered by its token alone: LoginRequiredMiddleware's session login plays no part."""
    return login_not_required(view_class.as_view())


urlpatterns = [
    path("openapi.json", api(views.OpenApiView), name="openapi"),
    path("registri/agregat/", api(views.RegistryAggregatesView), name="registry_aggregates"),
    path("usaha/", api(views.BusinessListView), name="business_list"),
    path("usaha/<int:pk>/", api(views.BusinessDetailView), name="business_detail"),
    path("program/", api(views.ProgrammeListView), name="programme_list"),
    path("program/<int:pk>/", api(views.ProgrammeDetailView), name="programme_detail"),
    path("program/<int:pk>/realisasi/", api(views.ProgrammeRealisationView), name="programme_realisation"),
]
