from __future__ import annotations

from django.urls import path

from homeward.dna import views

app_name = "dna"

urlpatterns = [
    path("", views.specimen_list, name="specimen_list"),
    path("import/", views.specimen_import, name="specimen_import"),
    path("specimens/<str:specimen_id>/", views.specimen_detail, name="specimen_detail"),
    path("specimens/<str:specimen_id>/search/", views.specimen_search, name="specimen_search"),
    path("runs/", views.run_list, name="run_list"),
    path("requests/", views.check_requests, name="check_requests"),
    path("accuracy/", views.accuracy, name="accuracy"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/report/", views.candidate_report, name="candidate_report"),
    path(
        "candidates/<int:pk>/report.pdf",
        views.candidate_report_pdf_view,
        name="candidate_report_pdf",
    ),
]
