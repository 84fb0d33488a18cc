from django.urls import URLPattern

from .views import index, public, record, rounds

app_name = "evaluation"

# Each views module lists its own patterns; they are joined here under /evaluation/.
urlpatterns: list[URLPattern] = [
    *public.urlpatterns,
    *rounds.urlpatterns,
    *index.urlpatterns,
    *record.urlpatterns,
]
