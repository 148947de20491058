from django.urls import path

from . import views

app_name = "archives"
urlpatterns: list = [
    path("", views.registers, name="registers"),
    path("registre/<int:year>/", views.register_detail, name="register"),
    path("registre/<int:year>/produire/", views.register_generate, name="register_generate"),
    path("registre/<int:year>/signer/", views.register_sign, name="register_sign"),
    path("registre/<int:year>/registre.pdf", views.register_pdf, name="register_pdf"),
    path("registre/<int:year>/jumeau.<str:fmt>", views.register_twin, name="register_twin"),
    path("versements/", views.transfers, name="transfers"),
    path("versements/<int:pk>/paquet.zip", views.transfer_zip, name="transfer_zip"),
]
