from __future__ import annotations

from django.urls import path

from homeward.prevention import reference_views, views

app_name = "prevention"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/new/", views.ledger_new, name="ledger_new"),
    path("ledger/<int:pk>/", views.ledger_entry, name="ledger_entry"),
    path("overview/", views.overview_page, name="overview"),
    path("dropouts/", views.dropouts, name="dropouts"),
    path("dropouts/new/", views.dropout_new, name="dropout_new"),
    path("dropouts/<int:pk>/", views.dropout, name="dropout"),
    path("found/", views.found_children, name="found_children"),
    path("found/new/", views.found_child_new, name="found_child_new"),
    path("found/<int:pk>/", views.found_child, name="found_child"),
    path("registrations/", views.registration_checks, name="registration_checks"),
    path("registrations/new/", views.registration_check_new, name="registration_check_new"),
    path("registrations/<int:pk>/", views.registration_check, name="registration_check"),
    path("offenders/", views.offenders, name="offenders"),
    path("offenders/new/", views.offender_new, name="offender_new"),
    path("offenders/<int:pk>/", views.offender, name="offender"),
    path("admin/schools/", reference_views.school_admin_list, name="school_admin_list"),
    path("admin/schools/new/", reference_views.school_admin_edit, name="school_admin_new"),
    path("admin/schools/<int:pk>/", reference_views.school_admin_edit, name="school_admin_edit"),
    path("admin/work-areas/", reference_views.work_area_admin_list, name="work_area_admin_list"),
    path(
        "admin/work-areas/<int:user_pk>/",
        reference_views.work_area_admin_edit,
        name="work_area_admin_edit",
    ),
]
