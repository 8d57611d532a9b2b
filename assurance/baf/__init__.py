"""The Board Assurance Framework: principal risks tied to the plan's own evidence (issue 30)."""
