"""/seances/…: each part of a sitting's life keeps its URLs in its own module."""

from . import urls_agenda, urls_convocation, urls_live, urls_minutes

app_name = "sittings"
urlpatterns = [*urls_agenda.urlpatterns, *urls_convocation.urlpatterns, *urls_live.urlpatterns,
               *urls_minutes.urlpatterns]
