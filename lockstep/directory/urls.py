from django.urls import path

from lockstep.directory import views

app_name = "directory"

urlpatterns = [
    path("countries/", views.countries, name="countries"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<str:code>/", views.agency, name="agency"),
    path("agencies/<str:code>/contact-points/new/", views.contact_point_new, name="contact-point-new"),
    path("contact-points/", views.contact_points, name="contact-points"),
    path("contact-points/<int:pk>/edit/", views.contact_point_edit, name="contact-point-edit"),
    path("contact-points/<int:pk>/delete/", views.contact_point_delete, name="contact-point-delete"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:pk>/", views.user, name="user"),
    path("users/<int:pk>/active/", views.user_active, name="user-active"),
    path(
        "users/<int:pk>/reset-second-factor/", views.user_reset_second_factor, name="user-reset-second-factor"
    ),
]
