"""Notice pages under /notices/."""

from django.urls import path

from lockstep.notices import views

app_name = "notices"

urlpatterns = [
    path("public/", views.public_list, name="public"),
    path("public.json", views.public_json, name="public-json"),
    path("public/<str:reference>/", views.public_detail, name="public-detail"),
]
