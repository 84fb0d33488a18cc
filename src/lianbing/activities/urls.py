from django.urls import URLPattern

from .views import activity, groups, results, scoring, series

app_name = "activities"

# Each views module lists its own patterns; they are joined here under /activities/.
# One line per module.
urlpatterns: list[URLPattern] = [
    *series.urlpatterns,
    *activity.urlpatterns,
    *groups.urlpatterns,
    *scoring.urlpatterns,
    *results.urlpatterns,
]
