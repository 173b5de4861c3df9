from __future__ import annotations

from django.urls import path

from homeward.coordination import views, work_views

app_name = "coordination"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("units/<str:code>/", views.unit_duties, name="unit_duties"),
    path("mine/", work_views.my_plan, name="my_plan"),
    path(
        "progress/<int:pk>/attachment/", work_views.progress_attachment, name="progress_attachment"
    ),
    path("reports/", work_views.report_status, name="report_status"),
    path("reports/<int:pk>/", work_views.report, name="report"),
    path("reports/<int:pk>/export.<str:fmt>", work_views.report_export, name="report_export"),
    path("dashboard/", work_views.dashboard, name="dashboard"),
    path("outreach/", work_views.outreach, name="outreach"),
    path("funding/", work_views.funding, name="funding"),
    path("regions/", work_views.regions, name="regions"),
    path("evaluations/<str:kind>/<int:year>/", work_views.evaluation, name="evaluation"),
    path(
        "evaluations/<str:kind>/<int:year>/ping-an.xlsx",
        work_views.evaluation_ping_an,
        name="evaluation_ping_an",
    ),
]
