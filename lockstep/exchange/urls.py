"""TAXII 2.1 routes under /taxii2/ (one API root, ``lockstep``)."""

from django.urls import path

from lockstep.exchange import taxii

app_name = "taxii"
ROOT = f"{taxii.ROOT}/"
COLLECTION = ROOT + "collections/<str:collection_id>/"

urlpatterns = [
    path("", taxii.discovery, name="discovery"),
    path(ROOT, taxii.api_root, name="api-root"),
    path(ROOT + "status/<uuid:status_id>/", taxii.status, name="status"),
    path(ROOT + "collections/", taxii.collections, name="collections"),
    path(COLLECTION, taxii.collection, name="collection"),
    path(COLLECTION + "manifest/", taxii.manifest, name="manifest"),
    path(COLLECTION + "objects/", taxii.objects, name="objects"),
    path(COLLECTION + "objects/<str:object_id>/", taxii.object_by_id, name="object"),
    path(COLLECTION + "objects/<str:object_id>/versions/", taxii.versions, name="versions"),
]
