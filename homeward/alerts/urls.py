from __future__ import annotations

from django.urls import path

from homeward.alerts import partner_views, views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/edit/", views.alert_edit, name="edit"),
    path("<int:pk>/publish/", views.alert_publish_view, name="publish"),
    path("<int:pk>/end/", views.alert_end_view, name="end"),
    path("<int:pk>/photo/", views.alert_photo, name="photo"),
    path("<int:pk>/cap/<int:sequence>/", views.cap_message, name="cap"),
    path("<int:pk>/sightings/", views.alert_sightings, name="sightings"),
    path("<int:pk>/sightings/<int:sid>/photo/", views.sighting_photo, name="sighting_photo"),
    path(
        "<int:pk>/sightings/<int:sid>/<str:action>/",
        views.sighting_action,
        name="sighting_action",
    ),
    path("notices/<int:nid>/ack/", views.notice_ack, name="notice_ack"),
    path("partners/", partner_views.partner_list, name="partner_list"),
    path("partners/new/", partner_views.partner_edit, name="partner_new"),
    path("partners/<int:pk>/", partner_views.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/rotate/", partner_views.partner_rotate, name="partner_rotate"),
]
