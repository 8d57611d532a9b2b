"""The board report as a Word document, for trusts that assemble their board papers in Word.

Made with python-docx from the same report data as the page and the PDF (a closed quarter's
from its snapshot), in the same order: cover sheet, executive summary, exceptions, completed,
missing, the themes' registers, definitions. Plan text keeps its paragraphs and bullets. Every
page's footer names the plan, the quarter and when it was made, with "Page N of M"; an open
quarter's header says DRAFT.
"""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assurance.models import action_lines
from objectives.measures import charts
from objectives.templatetags.plan_text import plan_lead, text_blocks
from reporting.board_report import chart


def _new_document(report, data) -> Document:
    """An A4 document (python-docx's template is US Letter) in the report's type."""
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(18)
        section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    _header_and_footer(document, report, data)
    return document


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def board_report_docx(report) -> bytes:
    """Headings run Title, 1, 2, 3 and never skip a level (issue 28)."""
    data = report.data
    document = _new_document(report, data)
    _cover(document, data)
    _summary(document, data)
    if data.get("assurance"):
        _glance(document, data)
    _chair_reports(document, data.get("chair_reports", []), level=1)
    _baf(document, data.get("baf"))
    document.add_heading(f"Exceptions ({len(data['exceptions'])})", level=1)
    document.add_paragraph(
        "Off track (Red) first, then at risk (Amber), then any with Limited or No assurance."
    )
    for item in data["exceptions"]:
        _exception(document, item)
    _needs_a_look(document, data["needs_a_look"])
    document.add_heading(f"Completed this quarter ({len(data['completed'])})", level=1)
    _register(document, data["completed"], data)
    document.add_heading(f"Updates missing ({len(data['missing'])})", level=1)
    _register(document, data["missing"], data)
    for theme in data["themes"]:
        document.add_heading(f"Theme {theme['number']}: {theme['title']}", level=1)
        _measures(document, theme["measures"])
        for objective in theme["objectives"]:
            document.add_heading(f"Objective {objective['number']}: {objective['title']}", 2)
            for indicator in objective["indicators"]:
                # Marked, as on the page: the plan's own text stops there (issue 28).
                cut = " (cut off in the source)" if indicator.get("incomplete") else ""
                document.add_paragraph(f"{indicator['perspective']}: {indicator['text']}{cut}")
            _register(document, objective["deliverables"], data)
    _definitions(document, data)
    return _save(document)


def group_pack_docx(context: dict) -> bytes:
    """A committee's pack (reporting.views._pack) as Word: summary, chair's report, the
    deliverables with their updates and the group's reviews, and the open actions."""
    data, named, summary = context["data"], context["named"], context["summary"]
    document = _new_document(context["report"], data)
    document.add_heading(f"{named['label']} pack: {data['quarter']['label']}", level=0)
    document.add_heading("Summary", level=1)
    document.add_paragraph(
        f"{context['total']} deliverables on which {named['label']} gives assurance, "
        f"{summary['due']} due an update in {data['quarter']['short_label']}; "
        f"{len(context['open_actions'])} open actions."
    )
    _pairs_table(document, [("Status", "Deliverables"), *summary["by_status"]])
    _pairs_table(document, [("Level of assurance", "Deliverables"), *summary["by_level"]])
    for title, items in (
        ("Off track (Red)", summary["red"]),
        (f"Limited or No assurance from {named['label']}", summary["low"]),
    ):
        document.add_heading(title, level=2)
        for d in items:
            document.add_paragraph(
                f"{d['reference']} {', '.join(d['accountable'])}: {d['status_label']}",
                style="List Bullet",
            )
        if not items:
            document.add_paragraph("None.")
    if context["chair"]:
        _chair_reports(document, context["chair"], level=1)
    else:
        document.add_heading("Chair's report", level=1)
        document.add_paragraph("No chair's report was written for this quarter.")
    document.add_heading("The deliverables", level=1)
    for item in context["rows"]:
        _exception(document, item)
    document.add_heading("Open actions", level=1)
    for action in context["open_actions"]:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{action.deliverable.reference}: ").bold = True
        paragraph.add_run(action.text)
        paragraph.add_run(f" Response: {action.response or 'none yet'}.")
    if not context["open_actions"]:
        document.add_paragraph("None.")
    return _save(document)


def _pairs_table(document, rows):
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for index, (label, value) in enumerate(rows):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
        if index == 0:
            _repeat_as_header(table.rows[0])
    document.add_paragraph()


def _glance(document, data):
    """Assurance at a glance (reporting.glance), as on the page: the counts, the matrix of
    status against level, the gaps by name, and the counts by committee and theme."""
    glance = data["assurance"]
    columns = glance["columns"]
    document.add_heading("Assurance at a glance", level=1)
    document.add_paragraph(
        f"What the committees said of the {data['totals']['due']} deliverables due an update, "
        "beside what their owners reported. A deliverable with more than one committee counts "
        f"at the lowest level any gave; {glance['reviewed']} have a level so far."
    )
    document.add_paragraph(
        " · ".join(f"{glance['totals'][c['key']]} {c['label']}" for c in columns)
    )

    def counts_table(first, rows):
        table = document.add_table(rows=1, cols=len(columns) + 1)
        table.style = "Table Grid"
        headings = [first] + [c["label"] for c in columns]
        for cell, text in zip(table.rows[0].cells, headings, strict=True):
            cell.text = text
        _repeat_as_header(table.rows[0])
        for label, counts, gaps in rows:
            cells = table.add_row().cells
            cells[0].text = label
            for cell, column in zip(cells[1:], columns, strict=True):
                gap = " (gap)" if gaps.get(column["key"]) and counts[column["key"]] else ""
                cell.text = f"{counts[column['key']]}{gap}"

    document.add_heading("Delivery status against committee assurance", level=2)
    counts_table(
        "Status reported", [(row["label"], row["counts"], row["gaps"]) for row in glance["matrix"]]
    )
    document.add_heading(f"Assurance gaps ({len(glance['gaps'])})", level=2)
    for gap in glance["gaps"]:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{gap['reference']} ").bold = True
        reviews = "; ".join(f"{r['group']}: {r['level_label']}" for r in gap["reviews"])
        paragraph.add_run(
            f"{plan_lead(gap['description'])} {', '.join(gap['owners'])}. Reported "
            f"{gap['status_label']}; {reviews}. {gap['why']}."
        )
    if not glance["gaps"]:
        document.add_paragraph("None.")
    document.add_heading("Assurance by committee and by theme", level=2)
    counts_table("Committee", [(row["label"], row["counts"], {}) for row in glance["by_group"]])
    document.add_paragraph()
    counts_table(
        "Theme",
        [
            (f"Theme {row['number']}: {row['title']}", row["counts"], {})
            for row in glance["by_theme"]
        ],
    )
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _chair_reports(document, reports, level):
    if not reports:
        return
    document.add_heading("Committee chairs' reports", level=level)
    for report in reports:
        name = f": {report['name']}" if report["name"] else ""
        document.add_heading(f"{report['group']}{name}", level=level + 1)
        for kind, label in (("alert", "Alert"), ("advise", "Advise"), ("assure", "Assure")):
            document.add_heading(label, level=level + 2)
            for item in report[kind]:
                paragraph = document.add_paragraph(item["text"], style="List Bullet")
                cited = [
                    d["reference"] + (f" ({d['level_label']} assurance)" * bool(d["level_label"]))
                    for d in item["deliverables"]
                ] + [m["name"] for m in item["measures"]]
                if cited:
                    paragraph.add_run(f" Cites {'; '.join(cited)}.").italic = True
            if not report[kind]:
                document.add_paragraph(f"Nothing to {label.lower()}.")


def _score(score: dict) -> str:
    factors = f"{score['likelihood']} × {score['consequence']}"
    return f"{score['score']} ({factors}, {score['rating_label']})"


def _baf(document, baf):
    """The Board Assurance Framework as the page shows it: the register, the heat map as a
    table of its cells, then each risk with its controls, assurances and gaps."""
    if not baf or not baf["risks"]:
        return
    document.add_heading("Board Assurance Framework", level=1)
    illustrative = " The principal risks are illustrative." if baf["illustrative"] else ""
    document.add_paragraph(
        f"{baf['above_appetite']} risks above appetite; {baf['open_gaps']} open gaps "
        f"({baf['control_gaps']} in control, {baf['assurance_gaps']} in assurance), each raised "
        f"from the plan's own evidence.{illustrative}"
    )
    _pairs_table(
        document,
        [("Risk", "Now · target · tolerable · open gaps")]
        + [
            (
                f"{r['reference']}: {r['title']} ({r['owner']}, {r['lead_committee']})",
                f"{_score(r['current'])}, {r['trend_label']} · {r['target']['score']} · "
                f"{r['tolerance']['score']}{' (above appetite)' * r['above_appetite']} · "
                f"{len(r['open_gaps'])}",
            )
            for r in baf["risks"]
        ],
    )
    document.add_heading("Heat map", level=2)
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    header = table.add_row().cells
    header[0].text = "Likelihood (rows) by consequence"
    for index in range(1, 6):
        header[index].text = str(index)
    _repeat_as_header(table.rows[0])
    for row in baf["heat_map"]:
        cells = table.add_row().cells
        cells[0].text = str(row[0]["likelihood"])
        for index, cell in enumerate(row, start=1):
            risks = ", ".join(f"BAF {n}" for n in cell["risks"])
            cells[index].text = f"{cell['score']}" + (f": {risks}" if risks else "")
    document.add_paragraph()
    for r in baf["risks"]:
        document.add_heading(f"{r['reference']}: {r['title']}", level=2)
        for label, value in (
            ("Cause", r["cause"]),
            ("Event", r["event"]),
            ("Effect", r["effect"]),
            ("Objectives", "; ".join(f"{o['number']}. {o['title']}" for o in r["objectives"])),
            ("Appetite", f"{r['appetite_level']} ({r['appetite_category']})"),
            ("Current score", f"{_score(r['current'])}, {r['trend_label']}"),
            ("Why", r["current"]["rationale"]),
            ("Target and tolerable", f"{_score(r['target'])}; {_score(r['tolerance'])}"),
            (
                f"{r['lead_committee']}'s view",
                f"{r['view']['level_label']}: {r['view']['comments']}" if r["view"] else "",
            ),
        ):
            if value:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(value)
        for heading, lines in (
            (
                "Controls",
                [
                    f"{c['reference'] or c['label']} {c['description']} "
                    f"({c['position_label'] or c['owner']}; {c['effectiveness']})"
                    for c in r["controls"]
                ],
            ),
            (
                "Assurances",
                [
                    f"{a['line_label']}: {a['label']}"
                    + "".join(f"; {x['detail']}" for x in a["readings"])
                    for a in r["assurances"]
                ],
            ),
            (
                "Gaps",
                [
                    f"{g['kind_label']} ({g['status_label']}): {g['source']}"
                    + (f" Action: {g['action']}" if g["action"] else "")
                    for g in r["gaps"]
                ],
            ),
        ):
            document.add_heading(heading, level=3)
            for line in lines:
                document.add_paragraph(" ".join(line.split()), style="List Bullet")
            if not lines:
                document.add_paragraph("None.")


def _header_and_footer(document, report, data):
    section = document.sections[0]
    if not report.frozen:
        header = section.header.paragraphs[0]
        header.text = f"DRAFT: {data['quarter']['short_label']} is not closed. Figures may change."
        header.runs[0].bold = True
    footer = section.footer.paragraphs[0]
    produced = timezone.localtime()
    footer.text = (
        f"{data['plan']['title']} {data['plan']['financial_year']} · {data['quarter']['label']}"
        f" · produced {produced:%-d %B %Y %H:%M} · Page "
    )
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, code):
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _cover(document, data):
    cover = data["cover"]
    if cover.get("trust"):
        document.add_paragraph().add_run(cover["trust"]).bold = True
    document.add_heading(cover["report_title"], level=0)
    if cover.get("session"):
        document.add_paragraph(f"{cover['session']} · {cover['purpose']}")
        document.add_heading("Key messages", level=1)
        for block in (cover["key_messages"] or "To be confirmed").split("\n\n"):
            document.add_paragraph(block.strip())
    rows = [
        ("Meeting", cover["meeting"] or "To be confirmed"),
        ("Date", cover["meeting_date"] or "To be confirmed"),
        ("Agenda item", cover["agenda_item"] or "To be confirmed"),
        ("Report", cover["report_title"]),
        ("Executive sponsor", cover["executive_sponsor"] or "To be confirmed"),
        ("Author", cover["author"] or "To be confirmed"),
        ("Purpose", cover["purpose"]),
        *(
            [
                ("Session", cover["session"]),
                (
                    "Previously considered by",
                    cover["previously_considered_by"] or "Not considered elsewhere first",
                ),
            ]
            if cover.get("session")
            else []
        ),
        ("Recommendation", cover["recommendation"]),
        ("Links to strategic risks", cover["strategic_risks"] or "None identified"),
        ("Implications", cover["implications"] or "None identified"),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
        cells[0].paragraphs[0].runs[0].bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _summary(document, data):
    totals = data["totals"]
    document.add_heading(f"Executive summary: {data['quarter']['label']}", level=1)
    headline, actions = data["headline"], data["open_actions"]
    document.add_paragraph(
        f"{headline['red']} off track (Red) · {headline['amber']} at risk (Amber)"
        f" · {totals['missing']} updates missing"
        + ("" if actions is None else f" · {actions} open committee actions")
        + f" · {totals['percent_complete']}% of the plan complete to date"
        + f" ({totals['status_complete']} this quarter, the chart's Complete;"
        + f" {totals['completed'] - totals['status_complete']} in earlier quarters)"
    )
    # The page's status chart, drawn as an image (Word shows no SVG); the table has its numbers.
    document.add_picture(io.BytesIO(chart.status_chart_png(data)), width=Mm(150))
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Status", "Deliverables"
    for row in data["status_counts"] + [{"label": "Update missing", "count": totals["missing"]}]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = row["label"], str(row["count"])
    document.add_paragraph(
        f"Since last quarter: {totals['trend']}: {totals['improved']} improved, "
        f"{totals['sustained']} held, {totals['deteriorated']} fell."
    )
    for verb, key in (("fell", "deteriorated"), ("improved", "improved")):
        for item in data["moved"][key]:
            document.add_paragraph(
                f"{item['reference']} {verb} from {item['from']} to {item['to']}: "
                + " ".join(line for _, lines in text_blocks(item["description"]) for line in lines),
                style="List Bullet",
            )
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _plan_text(document, text):
    for kind, lines in text_blocks(text):
        for line in lines:
            document.add_paragraph(line, style="List Bullet" if kind == "list" else None)


def _exception(document, item):
    document.add_heading(f"{item['reference']} · {item['status_label']}", level=2)
    _plan_text(document, item["description"])
    # Who answers for it first, then who wrote the words (issue 28).
    accountable = document.add_paragraph()
    accountable.add_run("Accountable: ").bold = True
    accountable.add_run(", ".join(item.get("accountable") or item["owners"]))
    if item.get("updated_by"):
        accountable.add_run(f" · update written by {item['updated_by']}")
    for label, key in [
        ("Progress", "narrative"),
        ("Reason for change", "reason_for_change"),
        ("Risks and issues", "risks"),
        ("Next steps", "next_steps"),
        ("Expected recovery or completion", "expected_date"),
    ]:
        if item.get(key):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(item[key])
    for review in item["reviews"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{review['group']}: {review['level_label']} assurance. ").bold = True
        paragraph.add_run(review["comments"])
        if review["actions_requested"]:
            paragraph.add_run(" Requested:").italic = True
            for action in action_lines(review["actions_requested"]):
                document.add_paragraph(action, style="List Bullet")


def _register(document, items, data):
    if not items:
        document.add_paragraph("None.")
        return
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    headings = ["Ref", "Deliverable", data["quarter"]["short_label"], "Owners · assurance"]
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
    _repeat_as_header(table.rows[0])
    for item in items:
        cells = table.add_row().cells
        cells[0].text = item["reference"]
        blocks = text_blocks(item["description"])
        cells[1].text = ""
        first = True
        for kind, lines in blocks:
            for line in lines:
                paragraph = cells[1].paragraphs[0] if first else cells[1].add_paragraph()
                paragraph.text = ("• " if kind == "list" else "") + line
                first = False
        cells[2].text = item["status_label"]
        reviews = "; ".join(f"{r['group']}: {r['level_label']}" for r in item["reviews"])
        cells[3].text = ", ".join(item["owners"]) + (f" · {reviews}" if reviews else "")


def _needs_a_look(document, items):
    if not items:
        return
    document.add_heading(f"Needs a look ({len(items)})", level=2)
    document.add_paragraph(
        "Reported On track (Green), while a key indicator of the same objective shows "
        "special-cause concern or will consistently miss its target."
    )
    for item in items:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{item['reference']} ").bold = True
        paragraph.add_run(f"{plan_lead(item['description'])} Reported On track (Green).")
        for measure in item["measures"]:
            line = document.add_paragraph(style="List Bullet")
            line.add_run(f"{measure['name']}: ").bold = True
            line.add_run(f"{' and '.join(measure['concerns'])}, to {measure['latest_period']}.")


def _measures(document, measures):
    """The theme's key indicators: Making Data Count's icons as their words."""
    if not measures:
        return
    document.add_paragraph().add_run("Key indicators").bold = True
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, heading in zip(
        table.rows[0].cells, ["Measure", "Latest", "Target", "Variation", "Assurance"], strict=True
    ):
        cell.text = heading
    _repeat_as_header(table.rows[0])
    for measure in measures:
        cells = table.add_row().cells
        cells[0].text = f"{measure['name']} (objective {measure['objective']})"
        cells[1].text = (
            f"{charts.number(measure['latest_value'], measure['unit'])}, {measure['latest_period']}"
            if measure["latest_period"]
            else "No values"
        )
        cells[2].text = charts.number(measure["target"], measure["unit"]) or "None"
        variation = charts.variation_icon(measure["variation"])
        assurance = charts.assurance_icon(measure["assurance"])
        cells[3].text = variation.short if variation else "None"
        cells[4].text = assurance.short if assurance else "None"


def _repeat_as_header(row):
    """Word repeats this row at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _definitions(document, data):
    definitions = data["definitions"]
    document.add_heading("Definitions", level=1)
    document.add_paragraph(definitions["rating_basis"])
    for title, items in (("Statuses", "statuses"), ("Levels of assurance", "levels")):
        document.add_heading(title, level=2)
        for item in definitions[items]:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{item['label']}: ").bold = True
            paragraph.add_run(item["meaning"])
