from django.urls import path

from .views import amendments, annotations, documents, interests, motions, offline, pages, proxies, secretariat

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("hors-ligne/", offline.offline, name="offline"),
    path("seances/", pages.sittings, name="sittings"),
    path("seances/<slug:slug>/", pages.sitting, name="sitting"),
    path("seances/<slug:slug>/recherche/", documents.search, name="search"),
    path("seances/<slug:slug>/documents/<str:key>/", documents.document, name="document"),
    path("seances/<slug:slug>/documents/<str:key>/pdf/", documents.document_file, name="document_file"),
    path("seances/<slug:slug>/documents/<str:key>/telecharger/", documents.document_download,
         name="document_download"),
    path("seances/<slug:slug>/points/<int:pk>/amendements/", amendments.item_amendments, name="item_amendments"),
    path("amendements/<int:pk>/retirer/", amendments.amendment_withdraw, name="amendment_withdraw"),
    path("commissions/", pages.committees, name="committees"),
    path("pouvoirs/", proxies.proxies, name="proxies"),
    path("pouvoirs/<int:pk>/revoquer/", proxies.proxy_revoke, name="proxy_revoke"),
    path("interets/", interests.interests, name="interests"),
    path("interets/<int:pk>/", interests.interest_edit, name="interest_edit"),
    path("interets/<int:pk>/fin/", interests.interest_end, name="interest_end"),
    path("voeux/", motions.motions, name="motions"),
    path("voeux/nouveau/", motions.motion_new, name="motion_new"),
    path("annotations/", annotations.annotations, name="annotations"),
    path("secretariat/pouvoirs/", secretariat.proxies_index, name="secretariat_proxies_index"),
    path("secretariat/pouvoirs/<slug:slug>/", secretariat.sitting_proxies, name="secretariat_proxies"),
    path("secretariat/interets/", secretariat.interests, name="secretariat_interests"),
    path("secretariat/voeux/", secretariat.motions, name="secretariat_motions"),
]
