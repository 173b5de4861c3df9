from __future__ import annotations

from django.urls import path

from homeward.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("units/<str:code>/", views.unit_duties, name="unit_duties"),
]
