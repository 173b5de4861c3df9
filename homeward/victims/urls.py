from __future__ import annotations

from django.urls import path

from homeward.victims import reference_views, views

app_name = "victims"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.victim_new, name="victim_new"),
    path("<int:pk>/", views.victim, name="victim"),
    path("<int:pk>/file.pdf", views.victim_pdf, name="victim_pdf"),
    path("services/<int:pk>/", views.service, name="service"),
    path("placements/<int:pk>/", views.placement, name="placement"),
    path("institutions/<int:pk>/", views.institution_board, name="institution"),
    path("legal-aid/", views.legal_aid, name="legal_aid"),
    path(
        "admin/institutions/",
        reference_views.institution_admin_list,
        name="institution_admin_list",
    ),
    path(
        "admin/institutions/new/",
        reference_views.institution_admin_edit,
        name="institution_admin_new",
    ),
    path(
        "admin/institutions/<int:pk>/",
        reference_views.institution_admin_edit,
        name="institution_admin_edit",
    ),
]
