"""The board report as a PDF for the board papers, made on the server with WeasyPrint.

The content is the page's (reporting/includes/board_report_body.html), laid out for A4 by our own
print stylesheet (static/css/board_report_pdf.css): every page has a footer with the plan, the
quarter, when it was produced and "Page N of M"; an open quarter's report says Draft on every
page. A frozen quarter's PDF is made from its snapshot, like its page (reading.report_for).
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from objectives.measures import charts

STYLESHEET = "css/board_report_pdf.css"


class PdfUnavailable(Exception):
    """WeasyPrint's system libraries (Pango) are missing on this server."""


def board_report_pdf(report, **options) -> bytes:
    """`options` go to WeasyPrint's write_pdf: the board record's archival PDF is PDF/A-3 with
    its data attached (reporting.record.archive)."""
    produced = timezone.localtime()
    context = {
        "report": report,
        "data": report.data,
        "quarter": report.quarter,
        "produced": produced,
        "footer": _footer(report, produced),
    }
    return _pdf("reporting/board_report_pdf.html", context, **options)


def group_pack_pdf(context: dict) -> bytes:
    """A committee's pack (reporting.views._pack), laid out like the board report."""
    produced = timezone.localtime()
    footer = f"{context['named']['label']} pack · " + _footer(context["report"], produced)
    return _pdf("reporting/group_pack_pdf.html", context | {"footer": footer})


def _pdf(template: str, context: dict, **options) -> bytes:
    try:
        # Imported here: without Pango the rest of the site still runs (README: the PDF).
        from weasyprint import CSS, HTML
    except OSError as error:
        raise PdfUnavailable(str(error)) from error
    html = render_to_string(template, context | {"print": True})
    # Nothing is fetched while rendering: fonts are the system's, the stylesheet is read here,
    # the SPC icons from their files on disk.
    # PDF/UA: a tagged PDF with its language and title, so screen readers read its structure.
    options = {"pdf_variant": "pdf/ua-1"} | options
    return HTML(string=html, url_fetcher=_icons_only()).write_pdf(
        stylesheets=[CSS(filename=finders.find(STYLESHEET))], **options
    )


def _footer(report, produced) -> str:
    plan = report.data["plan"]
    return (
        f"{plan['title']} {plan['financial_year']} · {report.data['quarter']['label']} · "
        f"produced {produced:%-d %B %Y %H:%M}"
    )


def _icons_only():
    """WeasyPrint's fetcher, narrowed to the SPC icons' files on this server's disk: anything
    else is left out of the PDF with a warning in the log (tests/reporting/test_board_pdf.py
    checks there is none)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class IconsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = charts.icon_at(url)
            if path is None:
                raise ValueError(f"The board report PDF fetches nothing ({url}).")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "image/svg+xml"})

    return IconsOnly()
