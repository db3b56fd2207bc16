from django.urls import path

from lockstep.intel import views

app_name = "intel"

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report-new"),
    path("reports/preview-recipients/", views.preview, name="preview-recipients"),
    path("reports/<str:reference>/", views.report, name="report"),
    path("reports/<str:reference>/edit/", views.report_edit, name="report-edit"),
    path("reports/<str:reference>/withdraw/", views.report_withdraw, name="report-withdraw"),
    path("hits/", views.hits, name="hits"),
    path("hits/<int:pk>/", views.hit, name="hit"),
    path("hits/<int:pk>/state/", views.hit_state, name="hit-state"),
    path("hits/<int:pk>/follow-up/", views.hit_follow_up, name="hit-follow-up"),
    path("follow-ups/", views.follow_ups, name="follow-ups"),
    path("follow-ups/<int:pk>/answer/", views.follow_up_answer, name="follow-up-answer"),
    path("lookup/", views.lookup, name="lookup"),
]
