"""URLs of the sittings' convocation pages (merged into sittings/urls.py).

The secretariat's pages hang under the sitting (/seances/2026-11-14/convocation/…); the
members' personal link is /seances/convocation/<token>/ (public: the token is the credential).
"""

from django.urls import path

from .urls_agenda import SittingSlugConverter  # noqa: F401 — registers the "sitting" converter
from .views import convocation as views

C = "<sitting:slug>/convocation/<int:pk>/"

urlpatterns: list = [
    path("<sitting:slug>/convocation/", views.convocation_page, name="convocation"),
    path("<sitting:slug>/convocation/additif/", views.convocation_addendum, name="convocation_addendum"),
    path(C + "generer/", views.convocation_generate, name="convocation_generate"),
    path(C + "generation/", views.convocation_progress, name="convocation_progress"),
    path(C + "envoyer/", views.convocation_send, name="convocation_send"),
    path(C + "documents/<str:document>/", views.convocation_document, name="convocation_document"),
    path(C + "preuve/", views.convocation_proof, name="convocation_proof"),
    path(C + "preuve.csv", views.convocation_proof_csv, name="convocation_proof_csv"),
    path(C + "relancer-courriels/", views.convocation_retry_emails, name="convocation_retry_emails"),
    path(C + "papier/", views.convocation_paper, name="convocation_paper"),
    path(C + "papier/lettres.pdf", views.convocation_paper_letters, name="convocation_paper_letters"),
    path(C + "papier/<int:recipient>/lettre.pdf", views.convocation_paper_letter, name="convocation_paper_letter"),
    path(C + "verification/", views.convocation_verify, name="convocation_verify"),
    path(C + "manifeste.json", views.convocation_manifest, name="convocation_manifest"),
    path(C + "horodatage.tsr", views.convocation_token, name="convocation_token"),
    path(C + "autorite-horodatage.pem", views.convocation_tsa_certificate, name="convocation_tsa_certificate"),
    path("convocation/<str:token>/", views.convocation_link, name="convocation_link"),
    path("convocation/<str:token>/<str:document>/", views.convocation_link_document,
         name="convocation_link_document"),
]
