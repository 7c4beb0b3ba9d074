"""The demo root URLconf with the shell's error handlers, as config/urls*.py will import them."""

from config.urls import urlpatterns
from config.urls_common import handler403, handler404, handler500

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
