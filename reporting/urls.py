from django.urls import path, re_path

from reporting import views
from reporting.record import views as record

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("deliverables/", views.deliverable_list, name="deliverable_list"),
    re_path(
        r"^deliverables/export\.(?P<format>csv|xlsx)$",
        views.deliverable_export,
        name="deliverable_export",
    ),
    path("my-groups/", views.my_groups, name="my_groups"),
    path("groups/<int:group_pk>/pack/", views.group_pack, name="group_pack"),
    path("groups/<int:group_pk>/pack.pdf", views.group_pack_pdf, name="group_pack_pdf"),
    path("groups/<int:group_pk>/pack.docx", views.group_pack_docx, name="group_pack_docx"),
    path("board-report/", views.board_report, name="board_report"),
    path("board-report.xlsx", views.board_report_xlsx, name="board_report_xlsx"),
    path("board-report.pdf", views.board_report_pdf, name="board_report_pdf"),
    path("board-report.docx", views.board_report_docx, name="board_report_docx"),
    path("quarters/<int:pk>/cover/", views.board_cover, name="board_cover"),
    path("board-record/", record.record_list, name="record_list"),
    path("board-record/verify/", record.record_verify, name="record_verify"),
    path("board-record/export.zip", record.record_export, name="record_export"),
    path("board-record/<int:sequence>.pdf", record.record_pdf, name="record_pdf"),
    path("board-record/<int:sequence>.json", record.record_json, name="record_json"),
]
