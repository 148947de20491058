from django.urls import path

from . import views

app_name = "legality"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("transmettre/", views.transmit_selection, name="transmit_selection"),
    path("interroger/", views.poll_now, name="poll"),
    path("actes/<str:slug>/", views.act_page, name="act"),
    path("actes/<str:slug>/transmettre/", views.transmit, name="transmit"),
    path("actes/<str:slug>/envois/<int:pk>/renvoyer/", views.resend, name="resend"),
    path("actes/<str:slug>/envois/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("actes/<str:slug>/envois/<int:pk>/archive/", views.archive, name="archive"),
    path("actes/<str:slug>/messages/<int:pk>/repondre/", views.answer, name="answer"),
    path("actes/<str:slug>/messages/<int:pk>/fichiers/<int:index>/", views.message_file, name="message_file"),
]
