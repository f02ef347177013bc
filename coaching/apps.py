from django.apps import AppConfig


class CoachingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coaching"
    verbose_name = "Pembinaan UMKM"

    def ready(self):
        from . import export_builders

        export_builders.register()
