from django.contrib import admin
from django.urls import include, path, register_converter

from portal.views import (
    auth,
    concerns,
    content,
    health,
    home,
    notifications,
    organisation,
    people,
    public,
    readers,
    reminders,
    teams,
    training,
)


class DocumentKindConverter:
    """The two documents comms edit: any other name is not a page."""

    regex = "playbook|slides"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(DocumentKindConverter, "kind")

portal_patterns = [
    path("", home.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("stay-signed-in/", auth.stay_signed_in, name="stay_signed_in"),
    path("password/", auth.ChangePasswordView.as_view(), name="password_change"),
    path("password/forgotten/", auth.ResetPasswordView.as_view(), name="password_reset"),
    path(
        "password/forgotten/sent/",
        auth.ResetPasswordSentView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/new/<uidb64>/<token>/",
        auth.SetNewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/welcome/<uidb64>/<token>/",
        auth.ChooseFirstPasswordView.as_view(),
        name="invitation_accept",
    ),
    path("password/new/done/", auth.NewPasswordSetView.as_view(), name="password_reset_complete"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"
    ),
    path("organisation/", organisation.organisation_profile, name="organisation"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/members/", teams.team_add_member, name="team_add_member"),
    path(
        "teams/<int:pk>/members/<int:membership_pk>/remove/",
        teams.team_remove_member,
        name="team_remove_member",
    ),
    path("floor/", home.floor, name="floor"),
    path("reminders/", reminders.reminders_due, name="reminders_due"),
    path(
        "settings/notifications/",
        reminders.notification_settings,
        name="notification_settings",
    ),
    path("people/", people.people_list, name="people"),
    path("people/new/", people.person_add, name="person_add"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/invite/", people.person_invite, name="person_invite"),
    path("people/<int:pk>/deactivate/", people.user_deactivate, name="user_deactivate"),
    # The playbook and the slides
    path("playbook/", content.playbook, name="playbook"),
    path("playbook/confirm/", content.playbook_confirm, name="playbook_confirm"),
    path("playbook/readers/", readers.readers, name="readers"),
    path("playbook/readers/teams/<int:pk>/", readers.readers_team, name="readers_team"),
    path("playbook/readers/no-team/", readers.readers_no_team, name="readers_no_team"),
    path("training/slides/", content.slides, name="slides"),
    path("content/<kind:kind>/versions/", content.content_versions, name="content_versions"),
    path(
        "content/<kind:kind>/versions/<int:number>/",
        content.content_version,
        name="content_version",
    ),
    path("content/<kind:kind>/compare/", content.content_compare, name="content_compare"),
    path("content/<kind:kind>/draft/", content.content_edit, name="content_edit"),
    path("content/<kind:kind>/draft/preview/", content.content_preview, name="content_preview"),
    path("content/<kind:kind>/draft/publish/", content.content_publish, name="content_publish"),
    path("content/<kind:kind>/draft/discard/", content.content_discard, name="content_discard"),
    # Training sessions for teams
    path("training/", training.training, name="training"),
    path(
        "training/requests/new/", training.training_request_create, name="training_request_create"
    ),
    path(
        "training/requests/<int:pk>/",
        training.training_request_detail,
        name="training_request_detail",
    ),
    path(
        "training/requests/<int:pk>/<slug:action>/",
        training.training_request_action,
        name="training_request_action",
    ),
    # Concerns about posts and accounts
    path("concerns/", concerns.concern_list, name="concerns"),
    path("concerns/new/", concerns.concern_create, name="concern_create"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path(
        "concerns/<int:pk>/safeguarding/",
        concerns.concern_safeguarding_take_on,
        name="concern_safeguarding_take_on",
    ),
    path("concerns/<int:pk>/<slug:action>/", concerns.concern_action, name="concern_action"),
    # Public pages
    path("help/", public.get_help, name="get_help"),
    path("welcome/", public.welcome, name="welcome"),
    path("accessibility/", public.accessibility, name="accessibility"),
    path("health/", health.health, name="health"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("", include("accounts_requests.urls")),
    path("", include("moderation.urls")),
    path("admin/", admin.site.urls),
]

# A database that is restarting gets a 503 with Retry-After, anything else the 500 page.
handler500 = "portal.views.errors.server_error"
