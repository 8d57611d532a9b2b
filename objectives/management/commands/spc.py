"""`manage.py spc FILE.csv --direction ...`: the measure pages' SPC analysis, for analysts."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from objectives.measures import series, spc


class Command(BaseCommand):
    help = (
        "Analyse a 'period,value' CSV (or XLSX) by Making Data Count's XmR rules and print each "
        "point with its limits, the variation and the assurance. The same engine draws the "
        "charts on the measure pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX with the columns period,value")
        parser.add_argument(
            "--direction",
            required=True,
            choices=[d.value for d in spc.Direction],
            help="Which way is better: increase, decrease or neutral.",
        )
        parser.add_argument("--target", help="The target, if there is one.")
        parser.add_argument(
            "--baseline",
            type=int,
            metavar="N",
            help="Freeze each segment's limits on its first N points.",
        )
        parser.add_argument(
            "--recalculate-at",
            default="",
            metavar="I,J",
            help="Points that start a new segment with its own limits: periods as written in "
            "the file (2022-04) or positions counting the first point as 1.",
        )
        parser.add_argument(
            "--run-length",
            type=int,
            default=spc.DEFAULT_RUN_LENGTH,
            help="Points in a run or a trend that make special cause (default 7).",
        )
        parser.add_argument(
            "--no-screening",
            action="store_true",
            help="Keep every moving range (as the MDC spreadsheet does); by default moving "
            "ranges above 3.267 times their mean are left out.",
        )
        parser.add_argument("--frequency", choices=[series.MONTHLY, series.QUARTERLY])
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            found = series.read_file(path.name, data, options["frequency"])
        except series.SeriesError as error:
            raise CommandError(str(error)) from None
        if found.errors:
            raise CommandError("\n".join([f"{path} cannot be analysed:", *found.errors]))
        labels = found.labels()
        target = options["target"]
        if target is not None:
            # Read as the file's values are: "1,000" is a thousand, "12,5" an error.
            try:
                target = series.parse_value(target)
            except ValueError as error:
                raise CommandError(f"--target: {error}.") from None
        try:
            analysis = spc.analyse(
                [row.value for row in found.rows],
                periods=labels,
                direction=options["direction"],
                target=target,
                baseline=options["baseline"],
                recalculate_at=self._starts(options["recalculate_at"], labels, found),
                run_length=options["run_length"],
                screen_moving_ranges=not options["no_screening"],
            )
        except spc.SPCError as error:
            raise CommandError(str(error)) from None
        for warning in analysis.warnings:
            self.stderr.write(f"Warning: {warning}")
        if options["format"] == "json":
            self.stdout.write(json.dumps(analysis.as_dict(), indent=2))
        else:
            self.stdout.write(self._text(analysis))

    @staticmethod
    def _starts(text, labels, found):
        starts = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            if item in labels:
                starts.append(labels.index(item))
                continue
            try:
                period, _ = series.parse_period(item, found.frequency)
                starts.append([row.period for row in found.rows].index(period))
                continue
            except ValueError:
                pass
            if item.isascii() and item.isdigit() and 1 <= int(item) <= len(labels):
                starts.append(int(item) - 1)
                continue
            raise CommandError(
                f"--recalculate-at: '{item}' is neither a period in the file nor a position "
                f"from 1 to {len(labels)}."
            )
        return starts

    @staticmethod
    def _text(analysis):
        lines = [f"{'period':<12}{'value':>12}{'mean':>12}{'lower':>12}{'upper':>12}  type / rules"]
        for point in analysis.points:
            rules = ", ".join(rule.label for rule in point.rules)
            lines.append(
                f"{point.period:<12}{point.value:>12.4g}{point.mean:>12.4g}"
                f"{point.lower_limit:>12.4g}{point.upper_limit:>12.4g}  "
                f"{point.point_type.label}{f' ({rules})' if rules else ''}"
            )
        lines.append(f"Variation: {analysis.variation.label}.")
        lines.append(
            f"Assurance: {analysis.assurance.label}."
            if analysis.assurance
            else "Assurance: none (no target, or no better direction)."
        )
        return "\n".join(lines)
