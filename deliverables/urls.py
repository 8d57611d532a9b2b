from django.urls import path

from deliverables import views

app_name = "deliverables"

urlpatterns = [
    path("my-updates/", views.my_updates, name="my_updates"),
    path("rag-grid/", views.rag_grid, name="rag_grid"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="detail"),
    path(
        "deliverables/<int:pk>/quarters/<int:number>/update/",
        views.update_edit,
        name="update_edit",
    ),
    path(
        "deliverables/<int:pk>/quarters/<int:number>/sign-off/",
        views.sign_off,
        name="update_sign_off",
    ),
    path(
        "deliverables/<int:pk>/quarters/<int:number>/draft/",
        views.update_draft,
        name="update_draft",
    ),
]
