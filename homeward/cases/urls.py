"""Case pages; the lead includes them at /cases/."""

from __future__ import annotations

from django.urls import path

from homeward.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cold/", views.cold_case_list, name="cold_case_list"),
    path("export.xlsx", views.case_export, name="case_export"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/summary.pdf", views.case_summary_pdf_view, name="case_summary_pdf"),
    path("<int:pk>/status/", views.case_status, name="case_status"),
    path("<int:pk>/leader/", views.leader_change, name="leader_change"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/dissolve/", views.task_force_dissolve_view, name="task_force_dissolve"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("<int:pk>/people/new/", views.party_add, name="party_add"),
    path("<int:pk>/interviews/new/", views.interview_add, name="interview_add"),
    path(
        "<int:pk>/interviews/<int:interview_id>/",
        views.interview_detail,
        name="interview_detail",
    ),
    path(
        "<int:pk>/supervision/<int:listing_id>/report/",
        views.supervision_report,
        name="supervision_report",
    ),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/", views.supervision_case, name="supervision_case"),
    path(
        "supervision/<int:pk>/<int:listing_id>/lift/",
        views.supervision_lift,
        name="supervision_lift",
    ),
]
