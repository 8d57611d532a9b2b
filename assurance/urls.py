from django.urls import path

from assurance import views

urlpatterns = [
    path("", views.home, name="home"),
]
