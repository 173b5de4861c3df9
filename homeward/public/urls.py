from __future__ import annotations

from django.urls import path

from homeward.public import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("missing-child/", views.missing_child, name="missing_child"),
]
