"""URLs of the weekly reports kept for download (included under /bao-cao/tuan/)."""

from django.urls import path

from reporting import views_weekly

app_name = "weekly_reports"

urlpatterns = [
    path("", views_weekly.weekly_list, name="list"),
    path("<str:week_start>/pdf/", views_weekly.weekly_pdf, name="pdf"),
]
