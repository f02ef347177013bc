from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Pelindungan data pribadi"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from .access import note_business_change

        post_create_historical_record.connect(note_business_change, dispatch_uid="privacy.business_change")
