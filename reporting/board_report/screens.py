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


def pack_summary(rows: list[dict]) -> dict:
    """What a committee's pack opens with (issue 28): its deliverables due this quarter by
    status and by the group's own level, and those the meeting must discuss first, the Red and
    those it gave Limited or No assurance. `rows`: `group_pack`'s, so its reviews are the
    group's only."""
    from reporting import glance

    by_status: dict[str, int] = {}
    by_level = dict.fromkeys([str(key) for key in glance.COLUMNS], 0)
    red, low = [], []
    for d in rows:
        if not d["due"]:
            continue
        label = d["status_label"]
        by_status[label] = by_status.get(label, 0) + 1
        level = d["reviews"][0]["level"] if d["reviews"] else glance.UNREVIEWED
        by_level[level] += 1
        if d["status"] == "red":
            red.append(d)
        if level in glance.LOW:
            low.append(d)
    return {
        "due": sum(by_status.values()),
        "by_status": sorted(by_status.items(), key=lambda item: -item[1]),
        "by_level": [(glance.LABELS[key], count) for key, count in by_level.items()],
        "red": red,
        "low": low,
    }
