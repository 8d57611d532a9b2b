from django.urls import path

from assurance import views

app_name = "assurance"

urlpatterns = [
    path(
        "groups/<int:group_pk>/deliverables/<int:pk>/quarters/<int:number>/review/",
        views.review_edit,
        name="review_edit",
    ),
    path("actions/<int:pk>/respond/", views.action_respond, name="action_respond"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
]
