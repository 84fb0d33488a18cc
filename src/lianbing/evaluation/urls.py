from django.urls import URLPattern

from .views import index

app_name = "evaluation"

# Each views module lists its own patterns; they are joined here under /evaluation/.
urlpatterns: list[URLPattern] = [*index.urlpatterns]
