"""Operation pages under /operations/."""

from django.urls import path

from lockstep.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.operation_list, name="list"),
    path("new/", views.operation_new, name="new"),
    path("<str:code_name>/", views.operation_detail, name="detail"),
    path("<str:code_name>/infrastructure/", views.infrastructure, name="infrastructure"),
    path("<str:code_name>/targets/", views.targets, name="targets"),
    path("<str:code_name>/imports/", views.imports, name="imports"),
    path("<str:code_name>/<str:action>/", views.operation_action, name="action"),
]
