from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registri UMKM"

    def ready(self):
        from . import pagination  # noqa: F401 — connects the signal that makes kept counts stale
