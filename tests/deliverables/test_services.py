import datetime

import pytest
from django.core.exceptions import PermissionDenied

from deliverables.models import StatusUpdate
from deliverables.services import QuarterClosed, UpdateConflict, status_update_save


def new_update(deliverable, quarter, **fields):
    values = {"status": "green", "narrative": "Going well."} | fields
    return StatusUpdate(deliverable=deliverable, quarter=quarter, **values)


@pytest.mark.django_db
class TestSave:
    def test_first_save_records_who_and_history(self, people, cdo_deliverable, q2):
        saved = status_update_save(
            update=new_update(cdo_deliverable, q2), user=people["cdo"], expected_version=0
        )
        assert (saved.version, saved.updated_by) == (1, people["cdo"])
        record = saved.history.get()
        assert (record.history_type, record.history_user) == ("+", people["cdo"])

    def test_delegate_can_save_for_their_owner(self, people, cdo_deliverable, q2):
        status_update_save(
            update=new_update(cdo_deliverable, q2), user=people["delegate"], expected_version=0
        )
        assert StatusUpdate.objects.get().updated_by == people["delegate"]

    @pytest.mark.parametrize("who", ["cfo", "secretary", "viewer", "nobody"])
    def test_others_are_refused(self, people, cdo_deliverable, q2, who):
        with pytest.raises(PermissionDenied):
            status_update_save(
                update=new_update(cdo_deliverable, q2), user=people[who], expected_version=0
            )
        assert not StatusUpdate.objects.exists()

    def test_deliverable_owned_by_all_is_any_executives(self, people, plan, q2):
        from tests.deliverables.factories import DeliverableFactory, OwnerFactory

        everyone = DeliverableFactory(
            objective__theme__plan=plan, owners=[OwnerFactory(code="ALL")]
        )
        status_update_save(update=new_update(everyone, q2), user=people["cfo"], expected_version=0)
        with pytest.raises(PermissionDenied):
            status_update_save(
                update=new_update(everyone, q2), user=people["viewer"], expected_version=0
            )


@pytest.mark.django_db
class TestNoLostUpdates:
    def test_a_stale_version_is_refused_and_nothing_changes(self, people, cdo_deliverable, q2):
        first = status_update_save(
            update=new_update(cdo_deliverable, q2), user=people["cdo"], expected_version=0
        )
        # The delegate loaded version 1 and saves first...
        mine = StatusUpdate.objects.get(pk=first.pk)
        mine.narrative = "Delegate's text"
        status_update_save(update=mine, user=people["delegate"], expected_version=1)
        # ...then the CDO saves from the version 1 they loaded.
        theirs = StatusUpdate.objects.get(pk=first.pk)
        theirs.narrative = "CDO's text"
        with pytest.raises(UpdateConflict) as conflict:
            status_update_save(update=theirs, user=people["cdo"], expected_version=1)
        assert conflict.value.current.narrative == "Delegate's text"
        assert conflict.value.current.version == 2
        stored = StatusUpdate.objects.get(pk=first.pk)
        assert (stored.narrative, stored.version, stored.history.count()) == (
            "Delegate's text",
            2,
            2,
        )

    def test_two_first_saves_conflict(self, people, cdo_deliverable, q2):
        status_update_save(
            update=new_update(cdo_deliverable, q2), user=people["cdo"], expected_version=0
        )
        with pytest.raises(UpdateConflict):
            status_update_save(
                update=new_update(cdo_deliverable, q2, narrative="Mine"),
                user=people["delegate"],
                expected_version=0,
            )
        assert StatusUpdate.objects.get().narrative == "Going well."


@pytest.mark.django_db
class TestClosedQuarter:
    def test_owner_cannot_write_in_a_closed_quarter(self, people, cdo_deliverable, q1):
        with pytest.raises(QuarterClosed, match="Q1 2021/22, Apr–Jun 2021 is closed"):
            status_update_save(
                update=new_update(cdo_deliverable, q1), user=people["cdo"], expected_version=0
            )
        assert not StatusUpdate.objects.exists()

    def test_owner_cannot_write_in_a_quarter_not_open_yet(self, people, cdo_deliverable, plan):
        with pytest.raises(QuarterClosed, match="not open yet"):
            status_update_save(
                update=new_update(cdo_deliverable, plan.quarters.get(number=3)),
                user=people["cdo"],
                expected_version=0,
            )

    def test_administrator_correction_is_recorded(self, people, cdo_deliverable, q1):
        saved = status_update_save(
            update=new_update(
                cdo_deliverable, q1, status="red", expected_date=datetime.date(2021, 9, 1)
            ),
            user=people["admin"],
            expected_version=0,
        )
        assert saved.corrected_after_close
        record = saved.history.latest()
        assert record.history_user == people["admin"]
        assert record.history_change_reason == "Corrected by a plan administrator after Q1 closed"
