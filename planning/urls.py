from django.urls import path, re_path

from planning import views

app_name = "planning"

urlpatterns = [
    path("quarters/", views.quarters, name="quarters"),
    re_path(
        r"^quarters/(?P<pk>\d+)/(?P<action>open|close)/$",
        views.quarter_change,
        name="quarter_change",
    ),
    path("plans/new/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/roll-over/", views.plan_rollover, name="plan_rollover"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/import/template.xlsx", views.plan_import_template, name="plan_import_template"),
]
