from __future__ import annotations

from django.urls import path

from homeward.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create_view, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/photo/", views.person_photo, name="person_photo"),
]
