from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", views.cadre_export, name="cadre_export"),
    path("cadres/<int:cadre_id>/", views.cadre_detail, name="cadre_detail"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/export.xlsx", views.post_export, name="post_export"),
    path("posts/<int:post_id>/", views.post_detail, name="post_detail"),
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/export.xlsx", views.mentor_export, name="mentor_export"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("programs/calendar/", views.calendar, name="calendar"),
    path("programs/<int:pk>/calendar/", views.program_calendar, name="program_calendar"),
]
