"""The trust's own plan document, as its table reaches us: saved as tab-separated text.

Read by the rules the 2021/22 fixture was transcribed by (docs/adr/0003): theme headings
("Strategic theme 4: ...") above their objectives; an objective's number and title on its first
deliverable's row, with its key indicators in the last column; HTML removed; "•" lists kept as
lists; cells naming several owners or groups split into each; the key of abbreviations at the end
giving owners' titles and groups' names. The rows come out in the columns `export_plan` writes,
and `planning.importing` checks them like any other file.

What the rules cannot decide is a warning, not a guess hidden from the administrator: theme
headings with no objective under them (the objectives go under the last heading above them),
and runs of words in a group cell that are not a known group (each becomes one new group, or is
left out when it is a single lower-case word, as "Corporate" before CEAG).
"""

import dataclasses
import re

from assurance.models import AssuranceGroup
from deliverables.exports import LIST_SEPARATOR, PLAN_COLUMNS
from deliverables.models import Owner
from objectives.quarters import parse_number

_THEME_RE = re.compile(
    r"^\s*Strategic theme\s+(?P<number>[0-9]{1,9})\s*:\s*(?P<title>.+?)\s*$", re.I
)
_TAG_RE = re.compile(r"<[^>]*>")
_PERSPECTIVES = {"corporate": "corporate", "staff": "staff", "patient": "patient"}
_LABEL_RE = re.compile(r"(?:^|\s)(Corporate|Staff|Patients?)\s*:?\s*$", re.I)


@dataclasses.dataclass
class Document:
    cells: list  # (line number, cells in PLAN_COLUMNS order), the first being the header
    themes: dict  # number -> title, every heading
    indicators: dict  # objective number -> [(perspective, text, is_incomplete)]
    owner_titles: dict
    group_names: dict
    errors: list
    warnings: list


def looks_like_document(text: str) -> bool:
    return any(line.startswith("Strategic objective\t") for line in text.splitlines()[:40])


def clean(text: str) -> str:
    """HTML removed, spaces tidied, "•" items as lines starting "• "."""
    text = _TAG_RE.sub(" ", text or "").replace("\u00a0", " ")
    parts = [" ".join(part.split()) for part in text.split("•")]
    lines = [parts[0]] if parts[0] else []
    lines += [f"• {part}" for part in parts[1:] if part]
    return "\n".join(lines)


def read(text: str) -> Document:
    lines = text.splitlines()
    key_start = next(
        (i for i, line in enumerate(lines) if line.split("\t")[0].strip() == "Key"), len(lines)
    )
    owner_titles, group_names = _key(lines[key_start:])
    codes = set(AssuranceGroup.objects.exclude(code="").values_list("code", flat=True))
    codes |= set(group_names)
    names = {g.name: g.label for g in AssuranceGroup.objects.exclude(name="")}
    names |= {name: code for code, name in group_names.items() if name}
    set(Owner.objects.values_list("code", flat=True)) | set(owner_titles)

    document = Document([(0, list(PLAN_COLUMNS))], {}, {}, owner_titles, group_names, [], [])
    theme = objective = None
    themes_without_objectives = []
    read_as_one = set()
    for number, line in enumerate(lines[:key_start], start=1):
        fields = [field.strip() for field in line.split("\t")]
        if not any(fields) or fields[0] == "Strategic objective":
            continue
        if match := _THEME_RE.match(fields[0]):
            if theme is not None and not theme[2]:
                themes_without_objectives.append(theme[0])
            theme = [int(match["number"]), match["title"], False]
            document.themes[theme[0]] = theme[1]
            continue
        if len(fields) < 7:
            continue  # the title line above the table
        if fields[0]:
            if parse_number(fields[0]) is None:
                document.errors.append(
                    f"Row {number}, objective_number: “{fields[0]}” is not an objective number."
                )
                continue
            if theme is None:
                document.errors.append(
                    f"Row {number}, theme_number: objective {fields[0]} has no theme heading "
                    "above it."
                )
                continue
            theme[2] = True
            objective = (parse_number(fields[0]), clean(fields[1]))
            indicators = _indicators(fields[7] if len(fields) > 7 else "")
            document.indicators[objective[0]] = indicators
        if objective is None:
            continue
        reference = fields[6]
        owners = [t for t in re.split(r"[\s/]+", fields[4]) if t]
        groups, dropped = _groups(fields[5], codes, names)
        for word in dropped:
            document.warnings.append(
                f"Row {number}, assurance_groups: “{word}” is not a group; left out (read as "
                "describing the group after it)."
            )
        for label in groups:
            if " " in label and label not in names.values() and label not in read_as_one:
                read_as_one.add(label)
                document.warnings.append(
                    f"Row {number}, assurance_groups: “{label}” is read as one group; check it "
                    "before confirming (groups uhbplan already knows are recognised by name)."
                )
        row = {
            "theme_number": str(theme[0]),
            "theme_title": theme[1],
            "objective_number": str(objective[0]),
            "objective_title": objective[1],
            "reference": reference,
            "description": clean(fields[2]),
            "delivery": fields[3],
            "start_quarter": "",
            "end_quarter": "",
            "owners": LIST_SEPARATOR.join(owners),
            "assurance_groups": LIST_SEPARATOR.join(groups),
        }
        document.cells.append((number, [row[column] for column in PLAN_COLUMNS]))
    if themes_without_objectives:
        document.warnings.insert(
            0,
            "Theme headings "
            + ", ".join(str(n) for n in themes_without_objectives)
            + " have no objectives directly under them: the objectives that follow are put "
            "under the last heading before them. Move any to the theme the trust meant in Plan "
            "administration (objectives, theme).",
        )
    return document


def _key(lines):
    """The key of abbreviations: owners (code, title) beside groups (code, name)."""
    owners, groups = {}, {}
    for line in lines:
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) >= 4:
            if fields[0] and fields[1] and fields[0] not in ("Key", "Owners:"):
                owners[fields[0]] = fields[1]
            if fields[2] and fields[3]:
                groups[fields[2]] = fields[3]
        elif len(fields) >= 2 and fields[0] and fields[1]:
            groups[fields[0]] = fields[1]
    return owners, groups


def _groups(cell: str, codes: set, names: dict):
    """A cell naming one or more groups: known names (longest first) and codes, then each run of
    other words as one new group (a single lower-case-led word is left out)."""
    words = [w for w in re.split(r"[\s/]+", _TAG_RE.sub(" ", cell)) if w]
    by_length = sorted(names, key=lambda name: -len(name.split()))
    groups, dropped, run = [], [], []

    def close_run():
        if not run:
            return
        text = " ".join(run)
        if len(run) == 1 and not run[0].isupper():
            dropped.append(text)
        else:
            groups.append(text)
        run.clear()

    i = 0
    while i < len(words):
        for name in by_length:
            size = len(name.split())
            if words[i : i + size] == name.split():
                close_run()
                groups.append(names[name])
                i += size
                break
        else:
            if words[i] in codes:
                close_run()
                groups.append(words[i])
            else:
                run.append(words[i])
            i += 1
    close_run()
    return list(dict.fromkeys(groups)), dropped


def _indicators(cell: str):
    """ "Corporate: • a • b Staff: • c" -> [(corporate, a), (corporate, b), (staff, c)]."""
    text = _TAG_RE.sub(" ", cell or "")
    found, perspective = [], None
    for part in text.split("•"):
        part = " ".join(part.split())
        label = _LABEL_RE.search(part)
        item = part[: label.start()].strip() if label else part
        if item and perspective:
            found.append((perspective, item, False))
        if label:
            perspective = _PERSPECTIVES[label.group(1).lower().rstrip("s")]
    return found
