"""The board report as a workbook: a sheet per list, and the key indicators."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from deliverables.exports import append_safe_row
from objectives.measures import charts


def to_xlsx(data: dict) -> bytes:
    """The board report as a workbook: summary, every deliverable, exceptions."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    append_safe_row(summary, [f"{data['plan']['title']} {data['plan']['financial_year']}"])
    append_safe_row(summary, [f"Board report, {data['quarter']['label']}"])
    summary.append([])
    totals = data["totals"]
    for label, value in [
        ("Deliverables", totals["total"]),
        ("Due an update", totals["due"]),
        ("Updates missing", totals["missing"]),
        ("Overdue", totals["overdue"]),
        ("Complete to date (%)", totals["percent_complete"]),
        ("Since last quarter", totals["trend"]),
        ("Improved", totals["improved"]),
        ("Deteriorated", totals["deteriorated"]),
    ] + [(row["label"], row["count"]) for row in data["status_counts"]]:
        append_safe_row(summary, [label, value])
    summary["A1"].font = Font(bold=True, size=14)

    # The deliverable's full text on every sheet (a reader filters or prints one sheet alone),
    # and the committees' findings beside the owner's update.
    columns = [
        "reference",
        "description",
        "delivery",
        "status_label",
        "narrative",
        "reason_for_change",
        "risks",
        "next_steps",
        "expected_date",
        "owners",
        "accountable",
        "assurance",
        "assurance_comments",
        "actions_requested",
        "updated_by",
    ]
    headings = [
        "Reference",
        "Deliverable",
        "Delivery window",
        "Status",
        "Progress",
        "Reason for change",
        "Risks and issues",
        "Next steps",
        "Expected date",
        "Owners",
        "Accountable",
        "Assurance",
        "Assurance comments",
        "Actions requested",
        "Updated by",
    ]

    def rows(sheet, items):
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for item in items:
            reviews = item["reviews"]
            values = item | {
                "owners": "; ".join(item["owners"]),
                "accountable": "; ".join(item.get("accountable") or item["owners"]),
                "assurance": "; ".join(f"{r['group']}: {r['level_label']}" for r in reviews),
                "assurance_comments": "\n".join(
                    f"{r['group']}: {r['comments']}" for r in reviews if r["comments"]
                ),
                "actions_requested": "\n".join(
                    f"{r['group']}: {r['actions_requested']}"
                    for r in reviews
                    if r["actions_requested"]
                ),
            }
            append_safe_row(sheet, [values[c] for c in columns])
        sheet.freeze_panes = "A2"

    rows(workbook.create_sheet("Deliverables"), data["deliverables"])
    rows(workbook.create_sheet("Exceptions"), data["exceptions"])
    rows(workbook.create_sheet("Updates missing"), data["missing"])
    if data.get("assurance"):
        _glance_sheet(workbook.create_sheet("Assurance"), data["assurance"])
    if data.get("chair_reports"):
        _chairs_sheet(workbook.create_sheet("Chairs' reports"), data["chair_reports"])
    if data.get("baf") and data["baf"]["risks"]:
        _baf_sheet(workbook.create_sheet("BAF"), data["baf"])
    if data["measures"]:
        _measures_sheet(workbook.create_sheet("Key indicators"), data["measures"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _measures_sheet(sheet, measures):
    """Every measure with its reading in words, numbers as numbers (for a reader's own charts)."""
    sheet.append(
        [
            "Theme",
            "Objective",
            "Measure",
            "Unit",
            "Better",
            "Latest period",
            "Latest value",
            "Target",
            "Variation",
            "Assurance",
            "Needs a look because",
            "Indicator in the plan",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for m in measures:
        variation = charts.variation_icon(m["variation"])
        assurance = charts.assurance_icon(m["assurance"])
        append_safe_row(
            sheet,
            [
                m["theme"],
                m["objective"],
                m["name"],
                m["unit"],
                m["direction"],
                m["latest_period"],
                m["latest_value"],
                m["target"],
                variation.label if variation else "",
                assurance.label if assurance else "",
                "; ".join(m["concerns"]),
                m["description"],
            ],
        )
    sheet.freeze_panes = "A2"


def _bold_row(sheet, values):
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _glance_sheet(sheet, glance):
    """Assurance at a glance (reporting.glance): the matrix, the gaps, by committee and theme."""
    columns = glance["columns"]
    labels = [c["label"] for c in columns]

    def counts(first, rows):
        _bold_row(sheet, [first, *labels])
        for label, values in rows:
            append_safe_row(sheet, [label, *[values[c["key"]] for c in columns]])
        sheet.append([])

    counts("Status reported", [(row["label"], row["counts"]) for row in glance["matrix"]])
    _bold_row(sheet, ["Assurance gap", "Deliverable", "Owners", "Status", "Committees", "Why"])
    for gap in glance["gaps"]:
        reviews = "; ".join(f"{r['group']}: {r['level_label']}" for r in gap["reviews"])
        append_safe_row(
            sheet,
            [
                gap["reference"],
                gap["description"],
                ", ".join(gap["owners"]),
                gap["status_label"],
                reviews,
                gap["why"],
            ],
        )
    sheet.append([])
    counts("Committee", [(row["label"], row["counts"]) for row in glance["by_group"]])
    counts(
        "Theme",
        [(f"Theme {row['number']}: {row['title']}", row["counts"]) for row in glance["by_theme"]],
    )


def _chairs_sheet(sheet, reports):
    _bold_row(sheet, ["Committee", "Part", "What the committee reports", "Cites"])
    for report in reports:
        for kind, label in (("alert", "Alert"), ("advise", "Advise"), ("assure", "Assure")):
            for item in report[kind]:
                cited = [
                    d["reference"] + (f" ({d['level_label']})" if d["level_label"] else "")
                    for d in item["deliverables"]
                ] + [m["name"] for m in item["measures"]]
                append_safe_row(sheet, [report["group"], label, item["text"], "; ".join(cited)])
    sheet.freeze_panes = "A2"


def _baf_sheet(sheet, baf):
    """The Board Assurance Framework as it stood, a row a principal risk."""
    _bold_row(
        sheet,
        [
            "Risk",
            "Title",
            "Owner",
            "Lead committee",
            "Appetite",
            "Current score",
            "Trend",
            "Target score",
            "Tolerable score",
            "Above appetite",
            "Committee's view",
            "Controls",
            "Assurances",
            "Open gaps",
        ],
    )
    for r in baf["risks"]:
        append_safe_row(
            sheet,
            [
                r["reference"],
                r["title"],
                r["owner"],
                r["lead_committee"],
                r["appetite_level"],
                r["current"]["score"],
                r["trend_label"],
                r["target"]["score"],
                r["tolerance"]["score"],
                "Yes" if r["above_appetite"] else "No",
                r["view"]["level_label"] if r["view"] else "",
                "\n".join(
                    f"{c['reference'] or c['label']} ({c['effectiveness']})" for c in r["controls"]
                ),
                "\n".join(
                    a["label"] + "".join(f"; {x['detail']}" for x in a["readings"])
                    for a in r["assurances"]
                ),
                "\n".join(f"{g['kind_label']}: {g['source']}" for g in r["open_gaps"]),
            ],
        )
    sheet.freeze_panes = "A2"
