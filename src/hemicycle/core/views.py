from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from hemicycle.core.access import login_only, public


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def root(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:login")


@login_only
def home(request):
    """The user's desk: what waits for them, and their acts."""
    from hemicycle.core.desk import desk_context

    return render(request, "core/home.html", desk_context(request))
