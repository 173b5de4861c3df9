from __future__ import annotations

from django.urls import path

from homeward.core.views import admin, auth, health, portal, reference, signin_links

app_name = "core"

urlpatterns = [
    path("", portal.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/otp/", auth.otp_verify, name="otp_verify"),
    path("account/otp/setup/", auth.otp_setup, name="otp_setup"),
    path("account/password/change/", auth.password_change, name="password_change"),
    path("account/reauthenticate/", auth.reauthenticate, name="reauthenticate"),
    path("places/", portal.division_list, name="division_list"),
    path("places/townships/", portal.township_search, name="township_search"),
    path("places/<str:code>/", portal.division_detail, name="division_detail"),
    path("agencies/", portal.agency_list, name="agency_list"),
    path("users/", portal.user_list, name="user_list"),
    path("users/new/", admin.user_create_view, name="user_create"),
    path("users/<int:pk>/", admin.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", admin.user_toggle_active, name="user_toggle_active"),
    path("users/<int:pk>/password/", admin.user_reset_password, name="user_reset_password"),
    path("security/", admin.security_home, name="security_home"),
    path("security/otp/<int:pk>/reset/", admin.security_otp_reset, name="security_otp_reset"),
    path(
        "security/role-requests/<int:pk>/",
        admin.security_role_request,
        name="security_role_request",
    ),
    path("account/handover/", signin_links.handover_list, name="handover_list"),
    path("account/handover/<int:pk>/open/", signin_links.handover_open, name="handover_open"),
    path("account/set-password/<str:token>/", signin_links.signin_link, name="signin_link"),
    path("audit/", portal.audit_list, name="audit_list"),
    path("reference/", reference.reference_home, name="reference_home"),
    path("reference/agencies/new/", reference.agency_edit, name="agency_new"),
    path("reference/agencies/<int:pk>/", reference.agency_edit, name="agency_edit"),
    path("reference/leaders/", reference.leader_posts, name="leader_posts"),
    path("reference/policy/", reference.policy_list, name="policy_list"),
    path("reference/policy/<slug:key>/", reference.policy_edit, name="policy_edit"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
