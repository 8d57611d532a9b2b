"""Measures on their pages: the chart, values typed and uploaded (all or nothing), history."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from accounts.roles import EXECUTIVE_OWNERS, PLAN_ADMINISTRATORS, VIEWERS
from objectives.models import MeasureValue
from tests.factories import UserFactory
from tests.objectives.factories import KeyIndicatorFactory, MeasureFactory

pytestmark = pytest.mark.django_db

# Mean 10, limits -0.64 and 20.64; the last point (30) is beyond the upper limit.
SERIES = [12, 8] * 6 + [30]


@pytest.fixture
def owner():
    return UserFactory(username="data-owner", role=EXECUTIVE_OWNERS)


@pytest.fixture
def measure(owner):
    return MeasureFactory(
        name="Missed doses",
        direction="decrease",
        target=Decimal("20"),
        data_owner=owner,
        values=SERIES,
    )


def page(client, measure):
    return client.get(reverse("objectives:measure_detail", args=[measure.pk]))


def upload(client, measure, content, name="values.csv"):
    data = content if isinstance(content, bytes) else content.encode()
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("objectives:measure_upload", args=[measure.pk]), {"file": file})


def test_the_page_shows_the_chart_its_words_the_icons_and_the_data(client, measure):
    client.force_login(UserFactory(role=VIEWERS))
    html = page(client, measure).content.decode()
    assert 'role="img" aria-labelledby="spc-' in html
    assert "13 months from Apr 2021 to Apr 2022." in html  # the chart's description
    assert "Latest, Apr 2022: 30%, special cause: concern." in html
    # Each icon by reference to its drawing, named in words.
    assert (
        '<img class="uhb-spc-icon__image" src="/static/spc/variation-concern_high.svg" '
        'width="40" height="40" alt="Special cause variation: concern, higher values">'
    ) in html
    assert 'alt="The target will be met and missed at random (hit and miss)"' in html
    assert "Special cause: concern (beyond a process limit)" in html  # the data table
    # A reader cannot enter values.
    assert "Add or correct a value" not in html and "Upload values" not in html


def test_the_data_owner_adds_a_value_and_it_is_in_the_history(client, measure, owner):
    client.force_login(owner)
    assert "Add or correct a value" in page(client, measure).content.decode()
    url = reverse("objectives:measure_value", args=[measure.pk])
    response = client.post(
        url, {"period": "May 2022", "value": "11.123456", "note": "Validated by BI"}, follow=True
    )
    assert "the value for May 2022 is added" in response.content.decode()
    saved = MeasureValue.objects.get(measure=measure, period="2022-05-01")
    assert saved.value == Decimal("11.1235") and saved.entered_by == owner
    client.post(url, {"period": "2022-05", "value": "12"})
    assert [h.value for h in saved.history.order_by("history_id")] == [
        Decimal("11.1235"),
        Decimal("12"),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"period": "", "value": "1"}, "Enter the period"),
        ({"period": "someday", "value": "1"}, "is not a period"),
        ({"period": "2022-05", "value": "lots"}, "Enter the value as a number"),
        ({"period": "2022-05", "value": "1e15"}, "too large"),
        ({"period": "9999-12", "value": "1"}, "9999 is outside the years a measure can hold"),
        ({"period": "0001-01", "value": "1"}, "1 is outside the years"),
        ({"period": "2999/00 Q1", "value": "1"}, "outside the years"),
        ({"period": "01/13/2021", "value": "1"}, "is a US date (month first)"),
    ],
)
def test_a_bad_value_is_explained_and_nothing_saved(client, measure, owner, data, message):
    client.force_login(owner)
    response = client.post(reverse("objectives:measure_value", args=[measure.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert MeasureValue.objects.filter(measure=measure).count() == len(SERIES)


def test_only_the_data_owner_and_plan_administrators_enter_values(client, measure):
    client.force_login(UserFactory(role=EXECUTIVE_OWNERS))
    url = reverse("objectives:measure_value", args=[measure.pk])
    assert client.post(url, {"period": "2022-05", "value": "1"}).status_code == 403
    client.force_login(UserFactory(role=PLAN_ADMINISTRATORS))
    assert client.post(url, {"period": "2022-05", "value": "1"}).status_code == 302


def test_an_upload_is_previewed_then_saved_whole(client, measure, owner):
    client.force_login(owner)
    response = upload(client, measure, "period,value\n2022-04,31\n2022-05,9\n2022-06,10\n")
    html = response.content.decode()
    assert "Nothing has been saved yet." in html
    assert html.count(">New<") == 2 and html.count(">Changed<") == 1
    assert MeasureValue.objects.filter(measure=measure).count() == len(SERIES)
    token = response.context["token"]
    response = client.post(
        reverse("objectives:measure_upload", args=[measure.pk]), {"preview": token}, follow=True
    )
    assert "2 new, 1 changed, 0 unchanged" in response.content.decode()
    assert MeasureValue.objects.get(measure=measure, period="2022-04-01").value == 31
    assert MeasureValue.objects.filter(measure=measure).count() == len(SERIES) + 2


def test_an_upload_with_any_bad_row_saves_nothing_and_names_each_row(client, measure, owner):
    client.force_login(owner)
    response = upload(
        client, measure, "period,value\n2022-05,1\n2022-06,n/a\n2022-06,3\n2022-07,\n"
    )
    html = response.content.decode()
    assert "The file cannot be saved: 2 problems" in html
    assert "Row 3: the value &#x27;n/a&#x27; is not a number." in html
    assert "Row 5: the value is empty" in html
    assert "appears twice" not in html  # row 3 was refused, so row 4's June is the only one
    assert "Save these values" not in html and response.context["token"] == ""
    assert MeasureValue.objects.filter(measure=measure).count() == len(SERIES)


def test_a_changed_or_foreign_preview_is_refused(client, measure, owner):
    client.force_login(owner)
    token = upload(client, measure, "period,value\n2022-05,1\n").context["token"]
    url = reverse("objectives:measure_upload", args=[measure.pk])
    response = client.post(url, {"preview": token[:-2] + "xx"}, follow=True)
    assert "That preview has expired or was changed" in response.content.decode()
    other = MeasureFactory(data_owner=owner)
    response = client.post(
        reverse("objectives:measure_upload", args=[other.pk]), {"preview": token}, follow=True
    )
    assert "That preview has expired or was changed" in response.content.decode()
    assert not MeasureValue.objects.filter(period="2022-05-01").exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "values.csv", "The submitted file is empty"),
        (b"PK\x03\x04 not really", "values.xlsx", "not an Excel workbook"),
        (b"when,how much\n", "values.csv", "must be the header"),
    ],
)
def test_an_unreadable_file_is_explained(client, measure, owner, content, name, message):
    client.force_login(owner)
    response = upload(client, measure, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_upload_with_a_year_out_of_range_saves_nothing(client, measure, owner):
    client.force_login(owner)
    response = upload(client, measure, "period,value\n2022-05,1\n9999-12,2\n")
    assert "Row 3: 9999 is outside the years a measure can hold" in response.content.decode()
    assert response.context["token"] == ""


def test_a_value_stored_at_the_end_of_time_does_not_break_the_pages(client, measure, owner):
    """Stored before periods were bounded: My updates asked for the month after December 9999."""
    import datetime

    MeasureValue.objects.create(measure=measure, period=datetime.date(9999, 12, 1), value=1)
    client.force_login(owner)
    assert client.get(reverse("deliverables:my_updates")).status_code == 200
    assert page(client, measure).status_code == 200


def test_us_dates_read_as_days_are_named(client, measure, owner):
    client.force_login(owner)
    response = upload(client, measure, "period,value\n01/05/2022,1\n02/05/2022,2\n")
    assert "May 2022 appears twice (first on row 2): if the file" in response.content.decode()
    assert "US style" in response.content.decode()


def test_an_xlsx_upload_with_spreadsheet_dates(client, measure, owner):
    import datetime

    book = Workbook()
    book.active.append(["period", "value"])
    book.active.append([datetime.datetime(2022, 5, 1), 7.5])
    data = io.BytesIO()
    book.save(data)
    client.force_login(owner)
    response = upload(client, measure, data.getvalue(), "values.xlsx")
    assert response.context["changes"] == [
        {"period": "May 2022", "old": None, "new": Decimal("7.5000"), "change": "new"}
    ]


def test_the_command_gives_the_pages_answer(client, measure, tmp_path):
    """An analyst downloads the values and runs `manage.py spc`: the same reading."""
    client.force_login(UserFactory(role=VIEWERS))
    csv = client.get(reverse("objectives:measure_values_csv", args=[measure.pk])).content
    assert csv.decode().splitlines()[:2] == ["period,value", "2021-04,12.0000"]
    path = tmp_path / "values.csv"
    path.write_bytes(csv)
    out = io.StringIO()
    call_command(
        "spc",
        str(path),
        "--direction",
        "decrease",
        "--target",
        "20",
        "--format",
        "json",
        stdout=out,
        stderr=io.StringIO(),
    )
    result = json.loads(out.getvalue())
    analysis = measure.analysis()
    assert result["variation"] == analysis.variation == "concern_high"
    assert result["assurance"] == analysis.assurance == "hit_and_miss"
    assert [p["point_type"] for p in result["points"]] == [p.point_type for p in analysis.points]


def test_the_objective_page_charts_measures_and_lists_the_others(client, measure):
    objective = measure.indicator.objective
    KeyIndicatorFactory(objective=objective, text="Staff engagement levels")
    client.force_login(UserFactory(role=VIEWERS))
    html = client.get(reverse("objectives:objective_detail", args=[objective.pk])).content
    html = html.decode()
    assert "Missed doses" in html and 'id="measure-' in html
    assert "Other key indicators, not measured yet" in html
    assert "Staff engagement levels" in html


def test_the_objective_and_measure_pages_do_not_grow_with_the_values(client, measure):
    client.force_login(UserFactory(role=VIEWERS))
    objective_url = reverse("objectives:objective_detail", args=[measure.indicator.objective_id])
    measure_url = reverse("objectives:measure_detail", args=[measure.pk])

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = queries(objective_url), queries(measure_url)
    MeasureFactory(indicator__objective=measure.indicator.objective, values=[5] * 60)
    measure.record_values(
        [(v.period.replace(year=v.period.year + 2), v.value) for v in measure.values.all()],
        None,
    )
    assert (queries(objective_url), queries(measure_url)) == before


def test_a_plan_administrator_is_offered_to_make_an_indicator_a_measure(client, measure):
    objective = measure.indicator.objective
    other = KeyIndicatorFactory(objective=objective, text="Staff engagement levels")
    url = reverse("objectives:objective_detail", args=[objective.pk])
    client.force_login(UserFactory(role=VIEWERS))
    assert "Make it a measure" not in client.get(url).content.decode()
    client.force_login(UserFactory(role=PLAN_ADMINISTRATORS, is_staff=True))
    html = client.get(url).content.decode()
    link = reverse("admin:objectives_measure_add") + f"?indicator={other.pk}&amp;name=Staff"
    assert link in html
    add_page = client.get(reverse("admin:objectives_measure_add") + f"?indicator={other.pk}")
    assert add_page.context["adminform"].form.initial["indicator"] == str(other.pk)


def test_my_updates_lists_the_measures_a_person_keeps(client, measure, owner):
    client.force_login(owner)
    html = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Key indicator values you keep" in html
    assert "Missed doses</a> (objective" in html
    assert "latest value for Apr 2022; next, May 2022" in html
    client.force_login(UserFactory(role=EXECUTIVE_OWNERS))
    assert (
        "Key indicator values you keep"
        not in client.get(reverse("deliverables:my_updates")).content.decode()
    )


def test_values_and_targets_read_as_typed(client, measure):
    client.force_login(UserFactory(role=VIEWERS))
    html = page(client, measure).content.decode()
    assert '<dd class="nhsuk-summary-list__value">20 %</dd>' in html  # the target
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">12</td>' in html
    assert "20.0000" not in html and "12.0000" not in html
