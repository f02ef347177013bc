from django.apps import AppConfig


class UmkmBlitarConfig(AppConfig):
    name = "umkm_blitar"
    verbose_name = "UMKM Blitar"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .security import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="umkm_blitar.start_idle_clock")
