"""The quarterly board report: its data (`data.report_data`, the one structure every form of it
reads), the report as read (`reading.report_for`: the frozen snapshot once the quarter closed,
else the kept draft), screenfuls and packs (`screens`), and its renderings: XLSX (`xlsx`), PDF
(`pdf`) and Word (`word`). Frozen reports are versioned records, upgraded as read
(`snapshots`, ADR 6)."""
