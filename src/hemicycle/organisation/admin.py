"""Django admin for operators (superusers). Authorities' administrators use the organisation pages."""

from django.contrib import admin

from .models import Authority, Committee, Department, Mandate, Member, PoliticalGroup


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "siren", "department_code", "population")
    search_fields = ("name", "slug", "siren")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "authority", "parent", "active")
    list_filter = ("authority", "active")
    search_fields = ("code", "name")


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "authority", "group")
    list_filter = ("authority",)
    search_fields = ("last_name", "first_name", "email")
    inlines = [MandateInline]


@admin.register(PoliticalGroup)
class PoliticalGroupAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "authority")
    list_filter = ("authority",)


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "authority")
    list_filter = ("authority",)
