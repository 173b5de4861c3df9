from __future__ import annotations

from django.urls import path

from homeward.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/list/", views.warning_list_region, name="warning_list_region"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning_close"),
    path("warnings/<int:pk>/lift/", views.warning_lift_listing, name="warning_lift_listing"),
    path("report/", views.report, name="report"),
]
