from django.urls import path

from assurance import chair_views, views

app_name = "assurance"

urlpatterns = [
    path(
        "groups/<int:group_pk>/deliverables/<int:pk>/quarters/<int:number>/review/",
        views.review_edit,
        name="review_edit",
    ),
    path(
        "groups/<int:group_pk>/quarters/<int:quarter_pk>/chair-report/",
        chair_views.chair_report,
        name="chair_report",
    ),
    path(
        "groups/<int:group_pk>/quarters/<int:quarter_pk>/chair-report/<int:pk>/",
        chair_views.chair_item_edit,
        name="chair_item_edit",
    ),
    path(
        "groups/<int:group_pk>/quarters/<int:quarter_pk>/chair-report/<int:pk>/remove/",
        chair_views.chair_item_delete,
        name="chair_item_delete",
    ),
    path("actions/<int:pk>/respond/", views.action_respond, name="action_respond"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
]
