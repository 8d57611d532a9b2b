from django.urls import path

from objectives import views

app_name = "objectives"

urlpatterns = [
    path("plan/", views.plan_overview, name="plan_overview"),
    path("plan/<int:pk>/", views.plan_overview, name="plan_detail"),
]
