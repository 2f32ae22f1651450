"""URLs of the pages every user sees. The namespace stays "core", the name these pages had when they lived in
`egov.core`, so that every `core:home` in templates and code keeps working."""

from django.urls import path

from portal import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
    path("can-bo/", views.officer_home, name="officer-home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
