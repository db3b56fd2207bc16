from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "lockstep.notices"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Notices"
