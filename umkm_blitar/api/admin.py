from django.contrib import admin, messages
from django.utils import timezone

from .models import ApiToken
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by `manage.py create_api_token` (which shows the key once); here they are revoked.

    Only the key's hash is stored, so no page can show the key again.
    """

    list_display = ["name", "role", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = ["name", "role", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Cabut token terpilih", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(
            request,
            f"{len(tokens)} token dicabut pada {timezone.localtime():%d-%m-%Y %H.%M}.",
            messages.SUCCESS,
        )
