from django.urls import URLPattern

from .views import results, scoring

app_name = "activities"

# Each views module lists its own patterns; they are joined here under /activities/.
urlpatterns: list[URLPattern] = []
urlpatterns += scoring.urlpatterns
urlpatterns += results.urlpatterns
