"""The read API's rate limit, counted in the database so every app server shares it."""

from django.db import models


class RateWindow(models.Model):
    """How many requests one key (a person, or an address without a token) made in one window
    of time. Counted by an UPDATE of the row (`api.throttling`), atomic in the database: the
    cache's read-then-write let eight parallel clients through at 1.15 times the limit."""

    key = models.CharField(max_length=100)
    window = models.BigIntegerField(help_text="The window's start, in seconds since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="one_count_per_key_window")
        ]

    def __str__(self):
        return f"{self.key} @ {self.window}: {self.count}"
