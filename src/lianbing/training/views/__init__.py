"""Pages of the training period; each module brings its own ``urlpatterns``."""
