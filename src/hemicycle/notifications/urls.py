from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("lire/", views.mark_read, name="mark_read"),
    path("tout-lire/", views.mark_all_read, name="mark_all_read"),
]
