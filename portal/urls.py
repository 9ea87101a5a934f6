from django.contrib import admin
from django.urls import include, path

from portal.views import auth, home, notifications, organisation, people, reminders, teams

portal_patterns = [
    path("", home.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("password/", auth.ChangePasswordView.as_view(), name="password_change"),
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
    path("people/<int:pk>/deactivate/", people.user_deactivate, name="user_deactivate"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("", include("accounts_requests.urls")),
    path("", include("moderation.urls")),
    path("admin/", admin.site.urls),
]
