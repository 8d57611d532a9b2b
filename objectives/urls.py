from django.urls import path

from objectives import views
from objectives.measures import views as measures

app_name = "objectives"

urlpatterns = [
    path("plan/", views.plan_overview, name="plan_overview"),
    path("plan/<int:pk>/", views.plan_overview, name="plan_detail"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("measures/<int:pk>/", measures.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/values/", measures.measure_value, name="measure_value"),
    path("measures/<int:pk>/upload/", measures.measure_upload, name="measure_upload"),
    path("measures/<int:pk>/values.csv", measures.measure_values_csv, name="measure_values_csv"),
]
