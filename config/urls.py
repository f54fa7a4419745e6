from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = _("Property CRM administration")
admin.site.site_title = _("Property CRM")
admin.site.index_title = _("Master data and settings")

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("staff.urls")),
    path("", include("health.urls")),
    path("files/", include("uploads.urls")),
    path("owners/", include("owners.urls")),
    path("tickets/", include("service_tickets.urls")),
    path("inbox/", include("inbox.urls")),
    path("schedule/", include("scheduling.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]

if settings.BENCH_BASELINE_VIEW:
    from portal.views import bench_baseline, bench_plain

    urlpatterns.append(path("bench/baseline/", bench_baseline, name="bench-baseline"))
    # Served by portal.benchmark's plain handler (Django's default middleware only).
    urlpatterns.append(path("bench/plain/", bench_plain, name="bench-plain"))
