from onecounter.views import audit, documents, dossier, intake, interconnect, worklist

app_name = "onecounter"
urlpatterns = [
    *worklist.urlpatterns,
    *dossier.urlpatterns,
    *intake.urlpatterns,
    *documents.urlpatterns,
    *audit.urlpatterns,
    *interconnect.urlpatterns,
]
