from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from .models import Business, Desa, KbliCode, Kecamatan, RegistryImport, Sector


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose page of a past version saves only for those who may change the row.

    django-simple-history checks only the view permission there, on POST too: a read-only admin
    (spending, whose ceiling the app's services guard) could otherwise be written through a "revert".
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(
            request, self.get_object(request, object_id)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "bps_code"]
    search_fields = ["name", "code"]


@admin.register(Desa)
class DesaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "kecamatan"]
    list_filter = ["kind", "kecamatan"]
    search_fields = ["name", "code"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(KbliCode)
class KbliCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "category"]
    search_fields = ["code", "title"]


@admin.register(Business)
class BusinessAdmin(HistoryAdmin):
    list_display = ["name", "owner_name", "kecamatan", "desa", "sector", "size_class", "status"]
    list_filter = ["kecamatan", "sector", "size_class", "status"]
    search_fields = ["name", "owner_name", "nib"]
    list_select_related = ["kecamatan", "desa", "sector"]
    autocomplete_fields = ["desa"]
    readonly_fields = ["size_class"]


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    """The import log, read-only: imports are made and confirmed on the registry's import pages."""

    list_display = [
        "created_at",
        "file_name",
        "created_by",
        "status",
        "created_count",
        "updated_count",
        "error_count",
    ]
    list_filter = ["status"]
    search_fields = ["file_name"]
    list_select_related = ["created_by"]
    exclude = ["preview"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The queue's own rows are followed on the import and export pages, which say what a job is doing in
# the office's words; django-tasks-db's admin pages would only repeat them with tracebacks.
admin.site.unregister(DBTaskResult)
