"""Public portal /publications/<authority>/…, notified acts /acte-notifie/<token>/, and the
secretariat's publication pages /publication/…"""

from django.urls import path

from . import views, views_manage

app_name = "publication"
urlpatterns = [
    # Public portal (no login)
    path("publications/<slug:authority>/", views.home, name="home"),
    path("publications/<slug:authority>/actes/<str:slug>/", views.act, name="act"),
    path("publications/<slug:authority>/actes/<str:slug>/pdf/", views.act_pdf, name="act_pdf"),
    path("publications/<slug:authority>/seances/<slug:slug>/", views.sitting, name="sitting"),
    path("publications/<slug:authority>/seances/<slug:slug>/proces-verbal/pdf/", views.minutes_pdf,
         name="minutes_pdf"),
    path("publications/<slug:authority>/recherche/", views.search, name="search"),
    path("publications/<slug:authority>/flux.atom", views.feed, name="feed"),
    # Personal link of a notified act
    path("acte-notifie/<str:token>/", views.notified, name="notified"),
    path("acte-notifie/<str:token>/pdf/", views.notified_pdf, name="notified_pdf"),
    # Secretariat
    path("publication/", views_manage.pending, name="pending"),
    path("publication/actes/<str:slug>/publier/", views_manage.publish, name="publish"),
    path("publication/actes/<str:slug>/retirer/", views_manage.withdraw, name="withdraw"),
    path("publication/actes/<str:slug>/occultation/", views_manage.masking_page, name="masking"),
    path("publication/actes/<str:slug>/occultation/apercu/", views_manage.masking_preview, name="masking_preview"),
    path("publication/actes/<str:slug>/occultation/<int:pk>/supprimer/", views_manage.masking_remove,
         name="masking_remove"),
    path("publication/actes/<str:slug>/notifier/", views_manage.notify, name="notify"),
]
