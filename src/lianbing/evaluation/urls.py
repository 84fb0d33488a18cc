from django.urls import URLPattern

app_name = "evaluation"

# Each views module lists its own patterns; they are joined here under /evaluation/.
urlpatterns: list[URLPattern] = []
