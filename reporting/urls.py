"""URLs of the reports (namespace "reporting"): the dashboards and their downloads."""

from reporting import views

app_name = "reporting"
urlpatterns = [*views.urlpatterns]
