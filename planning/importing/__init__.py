"""Importing a plan: from the columns `export_plan` writes (CSV or XLSX), or from the trust's own
tab-separated plan document (`planning/document.py`).

Reading and checking (`read`: `reading`, `checking`) writes nothing: it gives every row's
problems by row and column, the owners and groups the file names that do not exist yet,
warnings, and what importing would create or change. `apply` (`applying`) then writes all of it
or none of it, in one transaction, each row's history naming the person and the file.
Importing the same file into the same plan again changes nothing: rows are matched by theme and
objective number and by reference. `template` makes the blank XLSX people fill in.
"""

from planning.importing.applying import Outcome, apply
from planning.importing.checking import PlanFileError, Reading, Row
from planning.importing.diff import Change, changes, updated_changes
from planning.importing.reading import MAX_BYTES, TOO_LARGE, from_token, preview_token, read
from planning.importing.template import template_xlsx

__all__ = [
    "Change",
    "changes",
    "updated_changes",
    "MAX_BYTES",
    "TOO_LARGE",
    "Outcome",
    "PlanFileError",
    "Reading",
    "Row",
    "apply",
    "from_token",
    "preview_token",
    "read",
    "template_xlsx",
]
