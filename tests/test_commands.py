import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assurance.models import AssuranceGroup
from deliverables.models import Owner


@pytest.mark.django_db
class TestSeedDemo:
    def test_refuses_when_debug_is_off(self, settings, plan_2021):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="only runs with DEBUG on"):
            call_command("seed_demo", stdout=io.StringIO())
        assert not get_user_model().objects.filter(username="cdo").exists()

    def test_creates_linked_accounts_and_prints_them(self, settings, plan_2021):
        settings.DEBUG = True
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=io.StringIO())  # twice: no duplicates
        assert "cdo" in out.getvalue() and "password for all" in out.getvalue()
        cdo = get_user_model().objects.get(username="cdo")
        assert list(cdo.owners.values_list("code", flat=True)) == ["CDO"]
        assert Owner.objects.get(code="CDO").users.count() == 2  # the CDO and a delegate
        secretary = get_user_model().objects.get(username="dhg-secretary")
        assert list(secretary.assurance_groups.all()) == [AssuranceGroup.objects.get(code="DHG")]
        assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


@pytest.mark.django_db
class TestLoadPlan:
    def test_unreadable_fixture_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read the plan fixture"):
            call_command("load_plan", str(tmp_path / "nope.json"))
