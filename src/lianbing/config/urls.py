from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "练兵台 管理后台"
admin.site.site_title = "练兵台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("lianbing.accounts.urls")),
    path("admin/", admin.site.urls),
    path("matching/", include("lianbing.matching.urls")),
    path("survey/", include("lianbing.survey.urls")),
    path("imports/", include("lianbing.imports.urls")),
    path("training/", include("lianbing.training.urls")),
    path("evaluation/", include("lianbing.evaluation.urls")),
    path("activities/", include("lianbing.activities.urls")),
    path("", include("lianbing.web.urls")),
]
