from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "hemicycle.documents"
    label = "documents"
