from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registri UMKM"

    def ready(self):
        from . import export_builders, pagination  # noqa: F401 — pagination connects the kept counts' signal

        export_builders.register()
