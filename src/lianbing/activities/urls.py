from django.urls import URLPattern

from .views import groups

app_name = "activities"

# Each views module lists its own patterns; they are joined here under /activities/.
urlpatterns: list[URLPattern] = [
    *groups.urlpatterns,
]
