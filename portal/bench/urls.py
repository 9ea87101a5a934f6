"""The portal's URL table plus the stock admin reference, for ``manage.py bench`` only."""

from django.urls import path

from portal.bench.reference import PREFIX, site
from portal.urls import handler500
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path(PREFIX.strip("/") + "/", site.urls)]

__all__ = ["handler500", "urlpatterns"]
