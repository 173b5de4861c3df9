from __future__ import annotations

from django.urls import path

from homeward.core.views import admin, auth, health, portal

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
    path("audit/", portal.audit_list, name="audit_list"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
