"""Django's admin app, with the portal's admin site as its default site (`admin.site`)."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "egov.accounts.admin_site.PortalAdminSite"
