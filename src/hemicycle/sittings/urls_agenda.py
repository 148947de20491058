"""URLs of the sittings' agenda pages (merged into sittings/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
