"""URL map: the HTML pages, the Django admin (GS administration), the JSON API and i18n."""

from django.contrib import admin
from django.urls import include, path

from lockstep.api import api

urlpatterns = [
    path("", include("lockstep.web.urls")),
    path("accounts/", include("lockstep.accounts.urls")),
    path("directory/", include("lockstep.directory.urls")),
    path("alerts/", include("lockstep.alerts.urls")),
    path("intel/", include("lockstep.intel.urls")),
    path("exchange/", include("lockstep.exchange.web_urls")),
    path("notices/", include("lockstep.notices.urls")),
    path("operations/", include("lockstep.operations.urls")),
    path("audit/", include("lockstep.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("taxii2/", include("lockstep.exchange.urls")),
]
