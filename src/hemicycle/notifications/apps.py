from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hemicycle.notifications"
    label = "notifications"
