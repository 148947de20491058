from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hemicycle.accounts"
    label = "accounts"
