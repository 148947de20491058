def hemicycle(request):
    from hemicycle.core.nav import nav_items

    user = getattr(request, "user", None)
    context = {"current_authority": getattr(request, "authority", None), "unread_notifications": 0, "nav_items": []}
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
        context["nav_items"] = nav_items(request)
    return context
