from django.shortcuts import render


def problem(request, error, back=None):
    """A domain error as a page: 400, 403 or 409 with what happened and a way back."""
    return render(
        request,
        "portal/problem.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def add_errors(form, error):
    """Put a service's field errors on the form, and its message on top."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.message)
