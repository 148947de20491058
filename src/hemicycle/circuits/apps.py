from django.apps import AppConfig


class CircuitsConfig(AppConfig):
    name = "hemicycle.circuits"
    label = "circuits"
