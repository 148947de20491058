from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("actes/<str:slug>/apercu.pdf", views.act_preview, name="act_preview"),
]
