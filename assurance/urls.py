from django.urls import path, re_path

from assurance import views

app_name = "assurance"

urlpatterns = [
    # The plan-wide pages filter by assurance group, so they live here, in the top domain app.
    path("dashboard/", views.dashboard, name="dashboard"),
    path("deliverables/", views.deliverable_list, name="deliverable_list"),
    re_path(
        r"^deliverables/export\.(?P<format>csv|xlsx)$",
        views.deliverable_export,
        name="deliverable_export",
    ),
    path("my-groups/", views.my_groups, name="my_groups"),
    path("groups/<int:group_pk>/pack/", views.group_pack, name="group_pack"),
    path(
        "groups/<int:group_pk>/deliverables/<int:pk>/quarters/<int:number>/review/",
        views.review_edit,
        name="review_edit",
    ),
    path("actions/<int:pk>/respond/", views.action_respond, name="action_respond"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("board-report/", views.board_report, name="board_report"),
    path("board-report.xlsx", views.board_report_xlsx, name="board_report_xlsx"),
    path("board-report.pdf", views.board_report_pdf, name="board_report_pdf"),
    path("board-report.docx", views.board_report_docx, name="board_report_docx"),
    path("quarters/", views.quarters, name="quarters"),
    path("quarters/<int:pk>/cover/", views.board_cover, name="board_cover"),
    re_path(
        r"^quarters/(?P<pk>\d+)/(?P<action>open|close)/$",
        views.quarter_change,
        name="quarter_change",
    ),
]
