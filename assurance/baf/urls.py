from django.urls import path, re_path

from assurance.baf import views

app_name = "baf"

urlpatterns = [
    path("", views.register, name="register"),
    path("risks/<int:pk>/", views.risk_detail, name="risk"),
    path("risks/<int:pk>/quarters/<int:number>/score/", views.score_edit, name="score"),
    path("risks/<int:pk>/quarters/<int:number>/view/", views.view_edit, name="view"),
    path("risks/<int:pk>/gaps/<str:key>/", views.gap_edit, name="gap"),
    path("spreadsheet/", views.transfer, name="transfer"),
    re_path(r"^baf\.(?P<format>xlsx|csv)$", views.export, name="export"),
]
