from django.apps import AppConfig


class GenesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "genes"
