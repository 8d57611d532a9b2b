from django.contrib import admin

from reporting.models import BoardReport


@admin.register(BoardReport)
class BoardRecordAdmin(admin.ModelAdmin):
    """The board record, to read: no one adds, changes or deletes a record here (a legal hold by
    design, ADR 21). Records are made by closing a quarter."""

    list_display = ["sequence", "quarter", "created_at", "closed_by_name", "record_hash"]
    list_select_related = ["quarter__plan"]
    ordering = ["sequence"]
    fields = [
        "sequence",
        "quarter",
        "created_at",
        "closed_by_name",
        "trust",
        "superseded_at",
        "record_hash",
        "previous_hash",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
