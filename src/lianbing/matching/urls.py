from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_create, name="run_create"),
    path("<int:run_id>/", views.run_detail, name="run_detail"),
    path("<int:run_id>/status/", views.run_status, name="run_status"),
    path("<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("<int:run_id>/analysis/", views.run_analysis, name="run_analysis"),
    path("<int:run_id>/balance/", views.balance, name="balance"),
    path("<int:run_id>/pair/<int:cadre_id>/<int:post_id>/", views.pair, name="pair"),
    path("<int:run_id>/decisions/", views.decision_create, name="decision_create"),
    path(
        "<int:run_id>/decisions/<int:decision_id>/withdraw/",
        views.decision_withdraw,
        name="decision_withdraw",
    ),
    path("<int:run_id>/reoptimise/", views.reoptimise, name="reoptimise"),
    path(
        "<int:run_id>/reoptimise/<int:reoptimisation_id>/status/",
        views.reoptimisation_status,
        name="reoptimisation_status",
    ),
    path(
        "<int:run_id>/reoptimise/<int:reoptimisation_id>/cancel/",
        views.reoptimisation_cancel,
        name="reoptimisation_cancel",
    ),
    path("<int:run_id>/finalise/", views.finalise, name="finalise"),
    path("<int:run_id>/charts/", views.charts, name="charts"),
    path("<int:run_id>/compare/", views.compare, name="compare"),
    path("<int:run_id>/print/", views.print_view, name="print"),
    path("<int:run_id>/exports/", views.exports, name="exports"),
    path("<int:run_id>/exports/new/", views.export_create, name="export_create"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
]
