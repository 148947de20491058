from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("hemicycle.core.urls")),
    path("compte/", include("hemicycle.accounts.urls")),
    path("admin/", admin.site.urls),
]
