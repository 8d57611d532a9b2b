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
from docx.shared import Pt

from assurance.models import action_lines
from objectives.measures import charts
from objectives.templatetags.plan_text import plan_lead, text_blocks


def board_report_docx(report) -> bytes:
    data = report.data
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    _header_and_footer(document, report, data)
    _cover(document, data)
    _summary(document, data)
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
                document.add_paragraph(f"{indicator['perspective']}: {indicator['text']}")
            _register(document, objective["deliverables"], data)
    _definitions(document, data)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
    document.add_heading(cover["report_title"], level=0)
    rows = [
        ("Meeting", cover["meeting"] or "To be confirmed"),
        ("Date", cover["meeting_date"] or "To be confirmed"),
        ("Agenda item", cover["agenda_item"] or "To be confirmed"),
        ("Report", cover["report_title"]),
        ("Executive sponsor", cover["executive_sponsor"] or "To be confirmed"),
        ("Author", cover["author"] or "To be confirmed"),
        ("Purpose", cover["purpose"]),
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
        + f" · {totals['percent_complete']}% complete to date"
    )
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
    document.add_heading(f"{item['reference']} · {item['status_label']}", level=3)
    _plan_text(document, item["description"])
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
