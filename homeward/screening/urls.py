from __future__ import annotations

from django.urls import path

from homeward.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/upload/", views.operation_upload, name="operation_upload"),
    path("operations/<int:pk>/status/", views.operation_status, name="operation_status"),
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/<int:pk>/active/", views.platform_active, name="platform_active"),
    path("platforms/<int:pk>/token/", views.platform_token, name="platform_token"),
    path("intakes/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("takedowns/", views.takedown_list, name="takedowns"),
]
