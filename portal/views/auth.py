from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from portal.forms import ChangePasswordForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "portal/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)
