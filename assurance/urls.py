from django.urls import path

from assurance import views

app_name = "assurance"

urlpatterns = [
    path("my-groups/", views.my_groups, name="my_groups"),
]
