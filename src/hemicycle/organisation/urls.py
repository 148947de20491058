from django.urls import path

from .views import authority, classification, committees, departments, groups, home, imports, members, numbering, users

app_name = "organisation"
urlpatterns = [
    path("", home.home, name="home"),
    path("collectivite/", authority.authority_settings, name="authority"),
    path("directions/", departments.department_list, name="departments"),
    path("directions/nouvelle/", departments.department_edit, name="department_new"),
    path("directions/import/", imports.departments_import, name="departments_import"),
    path("directions/modele.csv", imports.departments_template, name="departments_template"),
    path("directions/<int:pk>/", departments.department_edit, name="department_edit"),
    path("directions/<int:pk>/activation/", departments.department_toggle, name="department_toggle"),
    path("utilisateurs/", users.user_list, name="users"),
    path("utilisateurs/nouveau/", users.user_edit, name="user_new"),
    path("utilisateurs/<int:pk>/", users.user_edit, name="user_edit"),
    path("utilisateurs/<int:pk>/activation/", users.user_toggle, name="user_toggle"),
    path("utilisateurs/<int:pk>/double-authentification/", users.user_reset_totp, name="user_reset_totp"),
    path("elus/", members.member_list, name="members"),
    path("elus/nouveau/", members.member_edit, name="member_new"),
    path("elus/import/", imports.members_import, name="members_import"),
    path("elus/modele.csv", imports.members_template, name="members_template"),
    path("elus/<int:pk>/", members.member_detail, name="member"),
    path("elus/<int:pk>/modifier/", members.member_edit, name="member_edit"),
    path("elus/<int:pk>/mandats/nouveau/", members.mandate_edit, name="mandate_new"),
    path("elus/<int:pk>/mandats/<int:mandate_pk>/", members.mandate_edit, name="mandate_edit"),
    path("elus/<int:pk>/mandats/<int:mandate_pk>/supprimer/", members.mandate_delete, name="mandate_delete"),
    path("groupes/", groups.group_list, name="groups"),
    path("groupes/nouveau/", groups.group_edit, name="group_new"),
    path("groupes/<int:pk>/", groups.group_detail, name="group"),
    path("groupes/<int:pk>/modifier/", groups.group_edit, name="group_edit"),
    path("commissions/", committees.committee_list, name="committees"),
    path("commissions/nouvelle/", committees.committee_edit, name="committee_new"),
    path("commissions/<int:pk>/", committees.committee_detail, name="committee"),
    path("commissions/<int:pk>/modifier/", committees.committee_edit, name="committee_edit"),
    path("classification/", classification.classification, name="classification"),
    path("numerotation/", numbering.numbering, name="numbering"),
]
