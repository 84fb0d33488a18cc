from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("templates/<str:kind>/", views.template_download, name="template_download"),
    path("<int:job_id>/", views.import_detail, name="import_detail"),
    path("<int:job_id>/status/", views.import_status, name="import_status"),
    path("<int:job_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:job_id>/problems.xlsx", views.import_problems, name="import_problems"),
]
