from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    fieldsets = BaseUserAdmin.fieldsets + (("Hémicycle", {"fields": ("authority", "department", "title")}),)
    list_display = ("username", "first_name", "last_name", "authority", "department", "is_active")
    list_filter = ("authority", "is_active")
