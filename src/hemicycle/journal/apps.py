from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "hemicycle.journal"
    label = "journal"
