from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from registry.admin import BusinessAdmin
from registry.downloads import csv_response, xlsx_response
from registry.models import Business
from registry.validators import NIK_RE

from . import access
from .exports import AccessLogExporter
from .models import AccessLogEntry
from .services import business_anonymise


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are searched (by NIK, user, page), filtered by kind and date, and exported."""

    list_display = ["at", "username", "address", "kind", "path", "rows"]
    list_filter = ["kind", "at"]
    date_hierarchy = "at"
    search_fields = ["username", "path", "filter", "note"]
    search_help_text = "Cari NIK pemilik (16 angka), nama pengguna, halaman atau keterangan."
    list_select_related = ["user"]
    actions = ["export_csv", "export_xlsx"]

    def has_add_permission(self, request):  # noqa: ARG002 (ModelAdmin's signature)
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def get_search_results(self, request, queryset, search_term):
        """A NIK finds the entries about its businesses (the log names businesses, never NIKs)."""
        term = search_term.strip()
        if term.isascii() and NIK_RE.fullmatch(term):
            ids = Business.objects.filter(owner_nik=term).values_list("pk", flat=True)
            return queryset.about_businesses(list(ids)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.action(description="Unduh yang dipilih sebagai .csv")
    def export_csv(self, request, queryset):
        return csv_response(AccessLogExporter(queryset.order_by("at", "pk"), user=request.user))

    @admin.action(description="Unduh yang dipilih sebagai .xlsx")
    def export_xlsx(self, request, queryset):
        return xlsx_response(AccessLogExporter(queryset.order_by("at", "pk"), user=request.user))


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label="Alasan anonimisasi",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dicatat di catatan akses. Jangan tulis NIK, nama atau nomor HP di sini.",
    )


class PrivacyBusinessAdmin(BusinessAdmin):
    """The registry's business admin with the anonymisation action (the privacy app's own)."""

    actions = [*(BusinessAdmin.actions or []), "anonymise"]

    def get_object(self, request, object_id, from_field=None):
        """The business for its change, history or delete page, which show the NIK whole: logged."""
        business = super().get_object(request, object_id, from_field)
        if business is not None and business.owner_nik:
            access.note(request, access.Kind.NIK_PAGE, business_ids=[business.pk])
        return business

    @admin.action(description="Anonimkan data pribadi usaha yang dipilih", permissions=["change"])
    def anonymise(self, request, queryset):
        form = AnonymiseForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            for business in queryset:
                business_anonymise(business=business, user=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, f"{len(queryset)} usaha dianonimkan.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "privacy/anonymise_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": "Anonimkan data pribadi usaha",
                "businesses": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


admin.site.unregister(Business)
admin.site.register(Business, PrivacyBusinessAdmin)
