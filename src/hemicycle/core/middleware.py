class AuthorityMiddleware:
    """Puts the logged-in user's authority on the request (``request.authority``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        request.authority = user.authority if (user is not None and user.is_authenticated) else None
        return self.get_response(request)
