from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    # SCDL « Délibérations »: a stable public URL per authority.
    path("donnees/<slug:authority>/deliberations.csv", views.scdl, name="scdl"),
    # OParl 1.1 (read-only).
    path("oparl/openapi.json", views.openapi, name="oparl_openapi"),
    path("oparl/v1/", views.system, name="oparl_system"),
    path("oparl/v1/body/", views.bodies, name="oparl_bodies"),
    path("oparl/v1/body/<slug:authority>/", views.body, name="oparl_body"),
    path("oparl/v1/body/<slug:authority>/file/<str:key>/download/", views.annex_download,
         name="oparl_annex_download"),
    path("oparl/v1/body/<slug:authority>/<str:kind>/", views.object_list, name="oparl_list"),
    path("oparl/v1/body/<slug:authority>/<str:kind>/<str:key>/", views.object_detail, name="oparl_object"),
]
