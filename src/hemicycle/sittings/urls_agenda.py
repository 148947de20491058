"""URLs of the sittings' agenda pages (merged into sittings/urls.py).

A sitting's slug is its date ("2026-11-14"), suffixed when the authority has another sitting
that day ("2026-11-14-commission-permanente"). The ``sitting`` converter accepts any slug
(imported or older sittings may have others); the fixed paths (calendrier/, nouvelle/,
assemblees/) come first, and ``sitting_slug`` never produces them.
"""

from django.urls import path, register_converter

from .views import agenda as views


class SittingSlugConverter:
    regex = r"[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SittingSlugConverter, "sitting")

urlpatterns: list = [
    path("", views.sitting_list, name="list"),
    path("calendrier/", views.sitting_calendar, name="calendar"),
    path("nouvelle/", views.sitting_create, name="create"),
    path("assemblees/", views.assembly_list, name="assemblies"),
    path("assemblees/nouvelle/", views.assembly_edit, name="assembly_new"),
    path("assemblees/<int:pk>/", views.assembly_edit, name="assembly_edit"),
    path("<sitting:slug>/", views.sitting_detail, name="detail"),
    path("<sitting:slug>/modifier/", views.sitting_edit, name="edit"),
    path("<sitting:slug>/ordre-du-jour/", views.agenda, name="agenda"),
    path("<sitting:slug>/ordre-du-jour/inscrire/", views.agenda_add, name="agenda_add"),
    path("<sitting:slug>/ordre-du-jour/ordre/", views.agenda_reorder, name="agenda_reorder"),
    path("<sitting:slug>/ordre-du-jour/trier/", views.agenda_sort, name="agenda_sort"),
    path("<sitting:slug>/ordre-du-jour/rubrique/", views.agenda_section, name="agenda_section"),
    path("<sitting:slug>/ordre-du-jour/voeu/", views.agenda_motion, name="agenda_motion"),
    path("<sitting:slug>/ordre-du-jour/voeux/<int:motion_pk>/inscrire/", views.agenda_motion_add,
         name="agenda_motion_add"),
    path("<sitting:slug>/ordre-du-jour/question/", views.agenda_question, name="agenda_question"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/", views.agenda_item, name="agenda_item"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/supprimer/", views.agenda_remove, name="agenda_remove"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/deplacer/", views.agenda_move, name="agenda_move"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/avis/", views.agenda_opinion, name="agenda_opinion"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/avis/<int:opinion_pk>/supprimer/", views.agenda_opinion_delete,
         name="agenda_opinion_delete"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/organismes/", views.agenda_concern, name="agenda_concern"),
    path("<sitting:slug>/ordre-du-jour/<int:pk>/organismes/<int:concern_pk>/supprimer/",
         views.agenda_concern_delete, name="agenda_concern_delete"),
]
