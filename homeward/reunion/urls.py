from __future__ import annotations

from django.urls import path

from homeward.reunion import views

app_name = "reunion"

urlpatterns = [
    path("", views.search_list, name="search_list"),
    path("new/", views.search_new, name="search_new"),
    path("<int:pk>/", views.search_detail, name="search_detail"),
    path("<int:pk>/action/", views.search_action, name="search_action"),
    path("<int:pk>/edit/", views.search_edit, name="search_edit"),
    path("<int:pk>/not-duplicate/", views.search_not_duplicate, name="search_not_duplicate"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/action/", views.candidate_action, name="candidate_action"),
    path("candidates/<int:pk>/reunite/", views.candidate_reunite, name="candidate_reunite"),
    path("found/", views.found_list, name="found_list"),
    path("found/new/", views.found_new, name="found_new"),
    path("found/<int:pk>/", views.found_detail, name="found_detail"),
    path("found/<int:pk>/edit/", views.found_edit, name="found_edit"),
    path("found/<int:pk>/not-duplicate/", views.found_not_duplicate, name="found_not_duplicate"),
]
