from procedures.views import catalogue, citizen, filing

app_name = "procedures"
urlpatterns = [*catalogue.urlpatterns, *filing.urlpatterns, *citizen.urlpatterns]
