"""Public clue pages, under /public/report/ (no sign-in)."""

from __future__ import annotations

from django.urls import path

from homeward.tips import views

app_name = "public_tips"

urlpatterns = [
    path("", views.public_report, name="report"),
    path("status/", views.public_status, name="status"),
]
