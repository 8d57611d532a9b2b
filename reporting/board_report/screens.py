"""The board report in screenfuls: the summary, then a screen per theme, and a group's pack."""

# A screen of the board report shows at most this many deliverables (ADR 15). A larger plan's
# report is split: the summary first, its lists cut at LIST_LIMIT with how many more, then the
# deliverables by theme a screenful at a time. The PDF and Word versions always hold it all.
SCREEN_LIMIT = 250


LIST_LIMIT = 50


SUMMARY_LISTS = ("exceptions", "completed", "missing", "needs_a_look")


def screens(data: dict) -> list[dict]:
    """The report's data as the screens the page shows it in: one, unless it is large."""
    sizes = {name: len(data[name]) for name in SUMMARY_LISTS}
    if len(data["deliverables"]) <= SCREEN_LIMIT:
        return [data | {"sizes": sizes}]
    summary = data | {name: data[name][:LIST_LIMIT] for name in SUMMARY_LISTS}
    summary |= {
        "sizes": sizes,
        "moved": {trend: rows[:LIST_LIMIT] for trend, rows in data["moved"].items()},
        "themes": [],
        "cut": True,
    }
    pages, themes, count = [summary], [], 0
    for theme in data["themes"]:
        for objective in theme["objectives"]:
            size = len(objective["deliverables"])
            if count and count + size > SCREEN_LIMIT:
                pages.append(_detail_screen(data, themes))
                themes, count = [], 0
            if not themes or themes[-1]["number"] != theme["number"]:
                themes.append(theme | {"objectives": []})
            themes[-1]["objectives"].append(objective)
            count += size
    if themes:
        pages.append(_detail_screen(data, themes))
    return pages


def _detail_screen(data, themes) -> dict:
    return {key: data[key] for key in ("plan", "quarter", "definitions")} | {
        "themes": themes,
        "detail_only": True,
    }


def group_pack(data: dict, group_id: int) -> list[dict]:
    """The deliverables of one assurance group in a report's data, with only its reviews."""
    rows = []
    for d in data["deliverables"]:
        if any(g["id"] == group_id for g in d["groups"]):
            rows.append(d | {"reviews": [r for r in d["reviews"] if r["group_id"] == group_id]})
    return rows
