from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from portal import passwords, sessions
from portal.forms import (
    ChangePasswordForm,
    FirstPasswordForm,
    ResetPasswordForm,
    SetNewPasswordForm,
    SignInForm,
)
from portal.security import client_ip


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@require_POST
@login_required
def stay_signed_in(request):
    """The idle warning's "Stay signed in": move the idle limit on now, and say how long it
    is. A page open in the browser makes no request while someone reads or types in it."""
    sessions.renew(request.session)
    return JsonResponse({"ends_in": sessions.seconds_left(request.session)})


class _TellsTheOwner:
    """Once the new password is saved, tell its owner (``portal.passwords``)."""

    by_email_link = False
    first_password = False

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.password_changed(
            form.user, by_email_link=self.by_email_link, first=self.first_password
        )
        return response


class ChangePasswordView(_TellsTheOwner, auth_views.PasswordChangeView):
    template_name = "portal/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


class ResetPasswordView(auth_views.PasswordResetView):
    """Ask for a link to set a new password. The e-mail is sent by a worker
    (``portal.passwords``), and the answer is the same whether or not the address is known."""

    template_name = "portal/password_reset.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("portal:password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60
        }

    def form_valid(self, form):
        passwords.request_reset(form.cleaned_data["email"], address=client_ip(self.request))
        return HttpResponseRedirect(self.get_success_url())


class ResetPasswordSentView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class SetNewPasswordView(_TellsTheOwner, auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    form_class = SetNewPasswordForm
    success_url = reverse_lazy("portal:password_reset_complete")
    by_email_link = True


class ChooseFirstPasswordView(SetNewPasswordView):
    """The link in an invitation: someone just added chooses their first password. It
    works for ``INVITATION_DAYS`` and only until a password is set
    (``portal.passwords.InvitationTokenGenerator``)."""

    token_generator = passwords.invitation_tokens
    form_class = FirstPasswordForm
    first_password = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "invitation": True,
            "invitation_days": settings.INVITATION_DAYS,
        }


class NewPasswordSetView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
