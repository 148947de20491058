from django.urls import path

from .views import annexes, comments, drafting, history, pages, versions

app_name = "acts"
urlpatterns = [
    path("", pages.act_list, name="list"),
    path("nouveau/", drafting.act_create, name="create"),
    path("<str:slug>/", pages.act_detail, name="detail"),
    path("<str:slug>/modifier/", drafting.act_edit, name="edit"),
    path("<str:slug>/parcours/", history.act_history, name="history"),
    path("<str:slug>/versions/", versions.version_list, name="versions"),
    path("<str:slug>/versions/<int:number>/", versions.version_detail, name="version"),
    path("<str:slug>/versions/<int:a>/<int:b>/", versions.version_diff, name="diff"),
    path("<str:slug>/annexes/ajouter/", annexes.annex_add, name="annex_add"),
    path("<str:slug>/annexes/<int:pk>/", annexes.annex_download, name="annex_download"),
    path("<str:slug>/annexes/<int:pk>/apercu/", annexes.annex_preview, name="annex_preview"),
    path("<str:slug>/annexes/<int:pk>/afficher/", annexes.annex_inline, name="annex_inline"),
    path("<str:slug>/annexes/<int:pk>/indicateurs/", annexes.annex_flags, name="annex_flags"),
    path("<str:slug>/annexes/<int:pk>/retirer/", annexes.annex_remove, name="annex_remove"),
    path("<str:slug>/commentaires/", comments.comment_add, name="comment"),
]
