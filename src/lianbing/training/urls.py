from django.urls import URLPattern

from .views import followup, pairing, plans, progress, secondments

app_name = "training"

# Each views module of the training period lists its own patterns; they are
# joined here under /training/.
urlpatterns: list[URLPattern] = [
    *followup.urlpatterns,
    *secondments.urlpatterns,
    *pairing.urlpatterns,
    *progress.urlpatterns,
    *plans.urlpatterns,
]
