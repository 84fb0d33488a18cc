from django.urls import path

from . import views

app_name = "survey"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/demands/new/", views.demand_new, name="demand_new"),
    path("rounds/<int:round_id>/convert/", views.round_convert, name="round_convert"),
    path("rounds/<int:round_id>/gaps.xlsx", views.gap_export, name="gap_export"),
    path("rounds/<int:round_id>/gaps/units/<int:unit_id>/", views.gap_unit, name="gap_unit"),
    path("demands/suggest/", views.demand_suggest, name="demand_suggest"),
    path("demands/<int:demand_id>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:demand_id>/edit/", views.demand_edit, name="demand_edit"),
    path("demands/<int:demand_id>/submit/", views.demand_submit, name="demand_submit"),
    path("demands/<int:demand_id>/review/", views.demand_review, name="demand_review"),
    path("demands/<int:demand_id>/convert/", views.demand_convert, name="demand_convert"),
    path("gaps/", views.gap_overview, name="gap_overview"),
    path("gaps/mine/", views.my_gap, name="my_gap"),
]
