from django.apps import AppConfig


class ActsConfig(AppConfig):
    name = "hemicycle.acts"
    label = "acts"
