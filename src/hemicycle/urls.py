from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("hemicycle.core.urls")),
    path("compte/", include("hemicycle.accounts.urls")),
    path("actes/", include("hemicycle.acts.urls")),
    path("", include("hemicycle.documents.urls")),
    path("circuits/", include("hemicycle.circuits.urls")),
    path("notifications/", include("hemicycle.notifications.urls")),
    path("organisation/", include("hemicycle.organisation.urls")),
    path("seances/", include("hemicycle.sittings.urls")),
    path("elu/", include("hemicycle.portal.urls")),
    path("legalite/", include("hemicycle.legality.urls")),
    path("", include("hemicycle.publication.urls")),
    path("archives/", include("hemicycle.archives.urls")),
    path("", include("hemicycle.opendata.urls")),
    path("admin/", admin.site.urls),
]
