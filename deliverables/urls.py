from django.urls import path, re_path

from deliverables import views

app_name = "deliverables"

urlpatterns = [
    path("my-updates/", views.my_updates, name="my_updates"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("rag-grid/", views.rag_grid, name="rag_grid"),
    path("deliverables/", views.deliverable_list, name="list"),
    re_path(
        r"^deliverables/export\.(?P<format>csv|xlsx)$", views.deliverable_export, name="export"
    ),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="detail"),
    path(
        "deliverables/<int:pk>/quarters/<int:number>/update/",
        views.update_edit,
        name="update_edit",
    ),
]
