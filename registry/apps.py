from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registri UMKM"

    def ready(self):
        from . import pagination  # noqa: F401 — connects the signal that makes kept counts stale
        from .roles import apply_roles

        # After every migrate (and test database set-up or flush), the groups hold the role table.
        post_migrate.connect(apply_roles, sender=self, dispatch_uid="registry.roles.apply_roles")
