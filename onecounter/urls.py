from onecounter.views import documents, dossier, intake, worklist

app_name = "onecounter"
urlpatterns = [*worklist.urlpatterns, *dossier.urlpatterns, *intake.urlpatterns, *documents.urlpatterns]
