"""Exchange pages under /exchange/."""

from django.urls import path

from lockstep.exchange import views

app_name = "exchange"

urlpatterns = [
    path("validation/", views.queue, name="queue"),
    path("validation/<str:reference>/", views.pending, name="pending"),
    path("validation/<str:reference>/accept/", views.accept, name="accept"),
    path("validation/<str:reference>/reject/", views.reject, name="reject"),
]
