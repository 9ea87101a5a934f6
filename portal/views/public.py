"""Pages anyone may read without signing in."""

from django.shortcuts import render


def get_help(request):
    """Where to go for help: crisis, medical questions, care, complaints, our accounts."""
    return render(request, "portal/public/help.html")


def welcome(request):
    """What this portal is, for a visitor who is not signed in."""
    return render(request, "portal/public/welcome.html")
