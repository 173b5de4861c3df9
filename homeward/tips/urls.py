from __future__ import annotations

from django.urls import path

from homeward.tips import views

app_name = "tips"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.tip_detail, name="tip_detail"),
    path("<int:pk>/reward/", views.reward_action, name="reward_action"),
    path("<int:pk>/join/", views.tip_join_case_view, name="tip_join_case"),
    path("mandatory/", views.mandatory_list, name="mandatory_list"),
    path("mandatory/new/", views.mandatory_report, name="mandatory_report"),
]
