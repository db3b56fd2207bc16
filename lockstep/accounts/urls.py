from django.contrib.auth.views import LogoutView
from django.urls import path

from lockstep.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("verify/", views.verify, name="verify"),
    path("enroll/", views.enroll, name="enroll"),
    path("password/", views.password, name="password"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke-token"),
]
