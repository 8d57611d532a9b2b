from django.urls import path

from objectives import views

app_name = "objectives"

urlpatterns = [
    path("", views.plan_overview, name="plan_overview"),
    path("plans/<int:pk>/", views.plan_overview, name="plan_detail"),
]
