from __future__ import annotations

from django.urls import path

from homeward.alerts import public_views

app_name = "public_alerts"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("subscribe/", public_views.subscribe, name="subscribe"),
    path("sw.js", public_views.service_worker, name="service_worker"),
    path("<uuid:public_id>/", public_views.detail, name="detail"),
    path("<uuid:public_id>/photo.jpg", public_views.photo, name="photo"),
]
