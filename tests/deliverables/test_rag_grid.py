"""The RAG grid's rows are kept by what they show (issue 32): a save renders again only the
row it changed, and a kept row is never shown once anything in it has changed."""

from collections import Counter

import pytest
from django.core.cache import caches
from django.urls import reverse

from deliverables.models import Deliverable
from tests.deliverables.factories import StatusUpdateFactory

ROW = "deliverables/includes/rag_grid_row.html"


@pytest.fixture
def rendered(monkeypatch):
    """How many rows each request renders: the rows it stores in the "fragments" cache."""
    fragments = caches["fragments"]
    fragments.clear()
    counts = Counter()
    keep = fragments.set_many

    def noting(data, *args, **kwargs):
        counts["rows"] += sum(ROW in key for key in data)
        return keep(data, *args, **kwargs)

    monkeypatch.setattr(fragments, "set_many", noting)
    return counts


def _row(page, deliverable):
    """The grid's row for `deliverable`: from its name cell to the end of its row."""
    start = page.index(f'scope="row"><a href="/deliverables/{deliverable.pk}/"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_a_save_renders_again_only_the_row_it_changed(
    client, people, hand_built, q2, rendered, django_capture_on_commit_callbacks
):
    client.force_login(people["viewer"])
    url = reverse("deliverables:rag_grid") + "?quarter=2"
    client.get(url)
    assert rendered["rows"] == Deliverable.objects.count() == 8
    client.get(url)
    assert rendered["rows"] == 8  # every row kept: none rendered

    a3 = Deliverable.objects.get(objective__theme__title="A", number=3)
    with django_capture_on_commit_callbacks(execute=True):
        StatusUpdateFactory(deliverable=a3, quarter=q2, status="red")
    page = client.get(url).content.decode()
    assert rendered["rows"] == 9
    assert "Off track (Red)" in _row(page, a3) and "Update missing" not in _row(page, a3)


@pytest.mark.django_db
def test_a_kept_row_is_not_shown_once_its_words_or_headings_change(
    client, people, hand_built, rendered, django_capture_on_commit_callbacks
):
    client.force_login(people["viewer"])
    url = reverse("deliverables:rag_grid") + "?quarter=2"
    client.get(url)
    a1 = Deliverable.objects.get(objective__theme__title="A", number=1)
    with django_capture_on_commit_callbacks(execute=True):
        a1.description = "Rewritten words"
        a1.save()
        a1.objective.title = "A renamed objective"
        a1.objective.save()
        a1.objective.theme.title = "A renamed theme"
        a1.objective.theme.save()
    page = client.get(url).content.decode()
    assert "Rewritten words" in _row(page, a1)
    assert "Objective 1: A renamed objective" in page and "A renamed theme" in page
    # The headings are a1's row's (it starts theme A and objective 1): only it is new.
    assert rendered["rows"] == 9


def _map(page):
    """The page's map: the themes on it."""
    return page.split('aria-label="Themes on this page"')[1].split("</nav>")[0]


@pytest.mark.django_db
def test_the_page_map_and_headings_follow_the_page(client, people, hand_built, monkeypatch):
    """Each page starts its own headings, and its map lists the themes on it."""
    from deliverables import views

    monkeypatch.setattr(views, "RAG_GRID_PAGE_SIZE", 7)  # theme A's six, then theme B's two
    client.force_login(people["viewer"])
    url = reverse("deliverables:rag_grid") + "?quarter=2"
    first = client.get(url).content.decode()
    second = client.get(url + "&page=2").content.decode()
    assert "Theme 1: A" in _map(first) and "Theme 2: B" in _map(first)
    assert "Theme 1: A" not in _map(second) and "Theme 2: B" in _map(second)
    # Theme B is started again on page 2, where it is the first heading: no "Back to top".
    assert "Back to top</a>" not in second.split('id="theme-2"')[1].split("</tr>")[0]
    assert "Back to top</a>" in first.split('id="theme-2"')[1].split("</tr>")[0]
    assert "Objective 2:" in second.split('id="theme-2"')[1]
