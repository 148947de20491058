"""URLs of the sittings' minutes pages (merged into sittings/urls.py)."""

from django.urls import path

from .views import minutes as views

urlpatterns: list = [
    # Secretariat
    path("<slug:slug>/proces-verbal/", views.minutes_page, name="minutes"),
    path("<slug:slug>/proces-verbal/etablir/", views.minutes_draft, name="minutes_draft"),
    path("<slug:slug>/proces-verbal/modifier/", views.minutes_edit, name="minutes_edit"),
    path("<slug:slug>/proces-verbal/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("<slug:slug>/proces-verbal/soumettre/", views.minutes_submit, name="minutes_submit"),
    path("<slug:slug>/liste-des-deliberations/publier/", views.minutes_list_publish, name="minutes_list_publish"),
    # Public
    path("<slug:slug>/liste-des-deliberations/", views.deliberations_list_page, name="deliberations_list"),
    path("<slug:slug>/liste-des-deliberations/pdf/", views.deliberations_list_pdf, name="deliberations_list_pdf"),
    path("<slug:slug>/proces-verbal-adopte/", views.minutes_public, name="minutes_public"),
    path("<slug:slug>/proces-verbal-adopte/pdf/", views.minutes_public_pdf, name="minutes_public_pdf"),
]
