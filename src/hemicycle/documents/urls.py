from django.urls import path

from . import final_views, minutes_views, signature_views, views

app_name = "documents"
urlpatterns = [
    path("signatures/verifier/", signature_views.verify, name="verify"),
    path("signatures/parapheur/", signature_views.sign_queue, name="sign_queue"),
    path("actes/<str:slug>/signatures/", signature_views.final_signatures, name="final_signatures"),
    path("actes/<str:slug>/apercu.pdf", views.act_preview, name="act_preview"),
    path("actes/<str:slug>/definitif.pdf", final_views.final_pdf, name="final_pdf"),
    path("actes/<str:slug>/arrete-definitif/", final_views.arrete_finalize, name="arrete_finalize"),
    path("seances/<slug:slug>/actes-definitifs/", final_views.sitting_finals, name="sitting_finals"),
    path("seances/<slug:slug>/actes-definitifs/generer/", final_views.sitting_finals_generate,
         name="sitting_finals_generate"),
    path("seances/<slug:slug>/actes-definitifs/progression/", final_views.sitting_finals_progress,
         name="sitting_finals_progress"),
    path("seances/<slug:slug>/proces-verbal/signatures/", minutes_views.minutes_signatures, name="minutes_signatures"),
    path("seances/<slug:slug>/proces-verbal/signer/", minutes_views.minutes_sign, name="minutes_sign"),
    path("seances/<slug:slug>/proces-verbal/mettre-en-signature/", minutes_views.minutes_prepare,
         name="minutes_prepare"),
    path("seances/<slug:slug>/proces-verbal/signe.pdf", minutes_views.minutes_signed_pdf, name="minutes_signed_pdf"),
]
