"""The deliverables app's models: owners (`owners`), deliverables and their owner links
(`deliverables`, with `DeliverableQuerySet`), status updates, sign-off and drafts (`updates`),
and where each deliverable stands in each quarter (`standing`). The expressions queries build on
are in `deliverables/queries.py`, finding by words in `search.py`, My updates' groups in
`queue.py`."""

from deliverables.models.deliverables import Deliverable, DeliverableOwner, DeliverableQuerySet
from deliverables.models.owners import Owner, OwnerQuerySet
from deliverables.models.standing import Standing
from deliverables.models.updates import (
    SIGN_OFF_TAGS,
    SUBMITTED,
    SignOff,
    StatusUpdate,
    StatusUpdateQuerySet,
    UpdateDraft,
    UpdateDraftQuerySet,
)

__all__ = [
    "SIGN_OFF_TAGS",
    "SUBMITTED",
    "Deliverable",
    "DeliverableOwner",
    "DeliverableQuerySet",
    "Owner",
    "OwnerQuerySet",
    "SignOff",
    "Standing",
    "StatusUpdate",
    "StatusUpdateQuerySet",
    "UpdateDraft",
    "UpdateDraftQuerySet",
]
