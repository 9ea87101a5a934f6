import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from moderation import rules, selectors
from moderation.models import Commenter


def _gate(check):
    """Signed in, allowed by ``check``, and never cached: these pages hold personal data."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(never_cache(wrapped))

    return decorator


reader_required = _gate(rules.can_read_log)
full_reader_required = _gate(rules.can_read_everything)
eraser_required = _gate(rules.can_erase_commenter)
writer_required = _gate(rules.can_write)
rights_reader_required = _gate(rules.can_read_rights_requests)
rights_handler_required = _gate(rules.can_handle_rights_requests)
safeguarding_taker_required = _gate(rules.can_take_on_safeguarding)


def problem(request, error, back=None):
    return render(
        request,
        "portal/problem.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def apply_errors(form, error):
    """Put a service's field errors on the form; True when there were any to put."""
    if not error.errors or error.status != 400:
        return False
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)
    return True


def get_commenter(user, pk):
    """The commenter ``pk`` if ``user`` may see them; 404 otherwise."""
    try:
        return selectors.commenter_for_page(user, pk)
    except Commenter.DoesNotExist:
        raise Http404("No such person.") from None
