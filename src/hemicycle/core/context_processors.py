def hemicycle(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"current_authority": getattr(request, "authority", None), "unread_notifications": unread}
