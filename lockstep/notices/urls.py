"""Notice pages under /notices/: the public listing first (its paths are not references)."""

from django.urls import path

from lockstep.notices import views

app_name = "notices"

urlpatterns = [
    path("public/", views.public_list, name="public"),
    path("public.json", views.public_json, name="public-json"),
    path("public/<str:reference>/", views.public_detail, name="public-detail"),
    path("", views.notice_list, name="list"),
    path("new/<str:type>/", views.notice_new, name="new"),
    path("review/", views.review_queue, name="queue"),
    path("<str:reference>/", views.notice_detail, name="detail"),
    path("<str:reference>/pdf/", views.notice_pdf, name="pdf"),
    path("<str:reference>/subjects/<int:subject>/photo/", views.subject_photo, name="photo"),
    path("<str:reference>/<str:action>/", views.notice_action, name="action"),
]
