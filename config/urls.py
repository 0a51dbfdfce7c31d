from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from reactivate.messaging.unsubscribe import unsubscribe
from reactivate.tenancy import views as tenancy_views

practice_urls = [
    path("", include("reactivate.tenancy.urls")),
    # The workspace first: the lead page (leads/<id>/) is its, composed from every app.
    path("", include("reactivate.workspace.urls")),
    path("", include("reactivate.leads.urls")),
    path("", include("reactivate.imports.urls")),
    path("", include("reactivate.segments.urls")),
    path("", include("reactivate.messaging.urls")),
    path("", include("reactivate.channels.urls")),
    path("", include("reactivate.campaigns.urls")),
    path("", include("reactivate.followups.urls")),
    path("", include("reactivate.replies.urls")),
    path("", include("reactivate.metrics.urls")),
]

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("switch/", tenancy_views.switch, name="switch_practice"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The signed link an invited team member opens to choose a password.
    path(
        "welcome/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="tenancy/set_password.html", success_url="/login/"
        ),
        name="password_reset_confirm",
    ),
    path("p/<slug:slug>/", include(practice_urls)),
    path("u/<str:token>/", unsubscribe, name="unsubscribe"),
    path("hooks/", include("reactivate.channels.hooks_urls")),
    path("hooks/", include("reactivate.replies.hooks_urls")),
    # ESP tracking and inbound webhooks, each checked the way its ESP signs (django-anymail).
    path("hooks/anymail/", include("anymail.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without a <link rel=icon> (the admin, JSON).
    path("favicon.ico", RedirectView.as_view(url=static("reactivate/favicon.svg"), permanent=True)),
]
