"""Exchange pages under /exchange/."""

from django.urls import path

from lockstep.exchange import views

app_name = "exchange"

urlpatterns = [
    path("validation/", views.queue, name="queue"),
    path("validation/<str:reference>/", views.pending, name="pending"),
    path("validation/<str:reference>/accept/", views.accept, name="accept"),
    path("validation/<str:reference>/reject/", views.reject, name="reject"),
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.import_confirm, name="import-confirm"),
    path("reports/<str:reference>/export/<str:format>/", views.export_report, name="export"),
    path("export/", views.export_many, name="export-many"),
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_edit, name="source-new"),
    path("sources/<slug:name>/", views.source_edit, name="source-edit"),
    path("sources/<slug:name>/pull/", views.source_pull, name="source-pull"),
    path("sources/<slug:name>/delete/", views.source_delete, name="source-delete"),
]
