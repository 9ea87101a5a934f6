"""Who is asking, and what a browser may keep: the small pieces the security settings name.

``client_ip`` is where sign-in throttling (django-axes) reads the caller's address. A
client can write any ``X-Forwarded-For`` it likes, so the header is read only when
``TRUSTED_PROXY_COUNT`` says how many proxies of our own stand in front of the portal; then
the address is the one the outermost of them saw, counted from the right, where a client's
own additions cannot reach.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    # Each trusted proxy appends the address it saw; the first of ours appended the client.
    if len(hops) < proxies:
        return remote
    return hops[-proxies]


def sign_in_name(request, credentials=None):
    """The user name a sign-in attempt gave, as the throttle records it.

    No account's name is longer than the user model allows, so a longer one is cut to
    that length: the throttle's table would refuse it whole, and the attempt would end in
    a server error instead of "wrong name or password".
    """
    source = credentials if credentials else getattr(request, "POST", {})
    name = source.get("username") if source else None
    if not isinstance(name, str):
        return name
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return name[: model._meta.get_field(model.USERNAME_FIELD).max_length]


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in person is shown is kept by a browser or a shared cache.

    Pages for signed-in people carry names, figures, notes and sometimes secrets; a
    shared computer's back button or a proxy must not bring them back. Views that set
    their own ``no-store`` (downloads, the reveal page) keep what they set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def end_sessions(user):
    """Delete every stored session signed in as ``user``; returns how many.

    Django already refuses an inactive user on each request; deleting the sessions as
    well means nothing of theirs lingers to be revived. Only the portal's own session
    store knows whose each session is; with any other engine the per-request refusal
    still holds.
    """
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    if not any(f.name == "user_id" for f in model._meta.concrete_fields):
        return 0
    deleted, _ = model.objects.filter(user_id=user.pk).delete()
    return deleted


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than any form of the portal could need, before a
    byte of it is read.

    Django caps ordinary form data (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files,
    which it streams to disk whatever their size; the forms then refuse an oversized
    file, but only after it has been written out. This answers 413 at once instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            from django.http import HttpResponse
            from django.template.defaultfilters import filesizeformat
            from django.template.loader import render_to_string

            # A page of its own, like the 503: nothing here has read the session yet.
            page = render_to_string(
                "413.html", {"limit": filesizeformat(settings.REQUEST_MAX_BYTES)}
            )
            return HttpResponse(page, status=413)
        return self.get_response(request)


class RefuseNullCharactersMiddleware:
    """Answer 400 to a query or form value holding a NUL character.

    Nobody types one; a NUL reaches the portal only from a tool or an attack, and
    PostgreSQL refuses text that holds one, so a search or filter that passed it on
    would fail with a server error. Forms refuse it field by field already; this covers
    every query string and every form at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._holds_nul(request.GET) or (
            request.method == "POST" and self._holds_nul(request.POST)
        ):
            from django.http import HttpResponseBadRequest
            from django.template.loader import render_to_string

            reason = (
                "What was sent held a character the portal does not accept, so nothing "
                "was saved. Go back and type the text again."
            )
            return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}))
        return self.get_response(request)

    @staticmethod
    def _holds_nul(query):
        return any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in query.lists()
        )
