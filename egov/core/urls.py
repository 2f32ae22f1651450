"""URLs of the pages every user sees (namespace "core")."""

from django.urls import path

from egov.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
    path("can-bo/", views.officer_home, name="officer-home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
