from django.urls import path

from lockstep.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read-all"),
]
