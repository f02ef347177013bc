"""What every response carrying personal data gets: no copy kept by the browser, and its access logged."""

from django.utils.cache import add_never_cache_headers

from . import access


class PersonalDataMiddleware:
    """Mark every signed-in answer (pages, downloads, the API) no-store, and write the request's access log.

    Every page but the login shows or may show personal data, so the rule is simply "signed in": the
    browser keeps no copy that its back button or disk cache could show after logout on a shared office
    PC. The API signs its token in inside the view (Django REST framework), so the user is read after it.
    The access log entries the request collected are written at its end in one query (privacy/access.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        access.flush(request, response)
        return response
