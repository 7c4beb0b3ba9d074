import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

# Anonymous portal pages already rendered are answered before Django's handler (egov.domain.portal.cache).
from egov.domain.portal.cache import PageCacheApplication  # noqa: E402

# Machine-to-machine API calls go through a handler without the browser middleware (egov.web.machine_lane).
from egov.web.machine_lane import MachineLaneApplication  # noqa: E402

application = MachineLaneApplication(PageCacheApplication(django_application))
