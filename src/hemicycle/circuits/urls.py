from django.urls import path

from .views import act, inbox, templates

app_name = "circuits"
urlpatterns = [
    path("bannette/", inbox.inbox, name="inbox"),
    path("actes/<str:slug>/soumettre/", act.submit, name="submit"),
    path("actes/<str:slug>/viser/", act.approve, name="approve"),
    path("actes/<str:slug>/renvoyer/", act.send_back, name="send_back"),
    path("actes/<str:slug>/deleguer/", act.delegate, name="delegate"),
    path("actes/<str:slug>/passer/", act.skip, name="skip"),
    path("modeles/", templates.template_list, name="templates"),
    path("modeles/nouveau/", templates.template_create, name="template_create"),
    path("modeles/<int:pk>/", templates.template_edit, name="template_edit"),
]
