from django.urls import path

from lockstep.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.jsonl", views.export, name="export"),
]
