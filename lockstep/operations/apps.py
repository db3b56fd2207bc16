from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "lockstep.operations"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Operations"
