"""The portal's own URLs plus one view that fails, to see what a 500 answers."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def fails(request):
    raise RuntimeError("an unexpected fault")


urlpatterns = [path("test-only/fails/", fails), *portal_urlpatterns]
