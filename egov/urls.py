"""Project URLs."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Cổng dịch vụ công – quản trị")
admin.site.site_title = _("Quản trị cổng dịch vụ công")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("egov.accounts.urls")),
    path("", include("procedures.urls")),
    path("", include("onecounter.urls")),
    path("", include("interconnect.urls")),
    path("bao-cao/tuan/", include("reporting.urls_weekly")),
    path("", include("reporting.urls")),
    path("", include("portal.urls")),
]
