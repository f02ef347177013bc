from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "umkm_blitar.api"
    label = "api"
    verbose_name = "API data"
    default_auto_field = "django.db.models.BigAutoField"
