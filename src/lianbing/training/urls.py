from django.urls import URLPattern

from .views import plans, progress

app_name = "training"

# Each views module of the training period lists its own patterns; they are
# joined here under /training/.
urlpatterns: list[URLPattern] = [*progress.urlpatterns, *plans.urlpatterns]
