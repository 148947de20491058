from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "hemicycle.organisation"
    label = "organisation"
