"""Pages of on-site inspection; each module brings its own ``urlpatterns``."""
