from django.urls import URLPattern

from .views import record

app_name = "evaluation"

# Each views module lists its own patterns; they are joined here under /evaluation/.
urlpatterns: list[URLPattern] = [*record.urlpatterns]
