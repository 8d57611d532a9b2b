"""My updates' queue: the groups a row falls in, in the order the page lists them."""

# My updates' groups, in the order it lists them.
QUEUE_GROUPS = ("overdue", "missing", "done")


def queue_group(deliverable) -> str:
    """Which group of My updates a row is in (annotated by `with_queue_place`)."""
    return QUEUE_GROUPS[deliverable.queue_rank]


def with_queue_groups(rows) -> list:
    """Rows of `queue` (all, or a page of them) as a list, each with its `queue_group`."""
    rows = list(rows)
    for row in rows:
        row.queue_group = queue_group(row)
    return rows
