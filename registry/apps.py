from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registri UMKM"

    def ready(self):
        from . import export_builders, pagination, tallies  # noqa: F401 — pagination and tallies connect signals
        from .roles import apply_roles

        export_builders.register()
        # After every migrate (and test database set-up or flush), the groups hold the role table.
        post_migrate.connect(apply_roles, sender=self, dispatch_uid="registry.roles.apply_roles")
