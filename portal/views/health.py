"""For a load balancer or a monitor: whether this web process can serve pages."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.views.errors import DATABASE_ERRORS


@never_cache
@require_safe
def health(request):
    """200 when the process reaches the database, 503 when it cannot; nothing more is said,
    to anyone. The broker is not asked: no page waits on it (the outbox sweep sends what
    it did not carry), so a broker outage is no reason to take a web process out of use."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
