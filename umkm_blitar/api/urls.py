from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "api"


def api(view_class):
    """The view, answered by its token alone: LoginRequiredMiddleware's session login plays no part."""
    return login_not_required(view_class.as_view())


# An id is taken as any path segment, so one that is not a number is the API's JSON 404 (the view looks
# it up), not the site's HTML page.
urlpatterns = [
    path("openapi.json", api(views.OpenApiView), name="openapi"),
    path("registri/agregat/", api(views.RegistryAggregatesView), name="registry_aggregates"),
    path("usaha/", api(views.BusinessListView), name="business_list"),
    path("usaha/<str:pk>/", api(views.BusinessDetailView), name="business_detail"),
    path("program/", api(views.ProgrammeListView), name="programme_list"),
    path("program/<str:pk>/", api(views.ProgrammeDetailView), name="programme_detail"),
    path("program/<str:pk>/realisasi/", api(views.ProgrammeRealisationView), name="programme_realisation"),
]
