"""Public pages of finding relatives, under /public/reunion/ (no sign-in)."""

from __future__ import annotations

from django.urls import path

from homeward.reunion import views

app_name = "public_reunion"

urlpatterns = [
    path("", views.public_register, name="register"),
    path("status/", views.public_status, name="status"),
]
