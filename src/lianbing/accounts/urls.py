from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("password/", views.password_change, name="password_change"),
    path("two-step/setup/", views.otp_setup, name="otp_setup"),
    path("two-step/verify/", views.otp_verify, name="otp_verify"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("roles/", views.role_list, name="role_list"),
]
