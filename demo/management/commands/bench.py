import datetime
import gzip
import json
import resource
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import PLAN_ADMINISTRATORS
from assurance.models import AssuranceGroup
from common import revision
from deliverables.models import Deliverable, Owner, StatusUpdate
from objectives.models import Quarter


class Command(BaseCommand):
    help = (
        "Time the main pages in process against the current database: SQL queries, median and "
        "p95 server time over repeated requests, and each page as a ratio to a floor page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--json", dest="json_path", help="Write the figures to this file.")
        parser.add_argument("--label", default="")
        parser.add_argument(
            "--memory",
            metavar="PAGE",
            help="Request only this page, once, and print the process's peak memory in MB "
            "(run each in a fresh process: `make bench` does, for the exports).",
        )

    def handle(self, *args, repeat=20, json_path=None, label="", memory=None, **options):
        quarter = Quarter.objects.current()
        if quarter is None:
            raise CommandError("No open quarter: load data first (generate_scale_data).")
        with override_settings(
            ROOT_URLCONF="demo.bench_urls",
            SECURE_SSL_REDIRECT=False,
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
        ):
            client = self._client()
            pages = self._pages(quarter)
            if memory:
                return self._peak_memory(client, pages, memory)
            rows = [self._measure(client, name, *page, repeat=repeat) for name, *page in pages]
        failed = [row["page"] for row in rows if row["status"] not in (200, 302)]
        if failed:
            raise CommandError(f"These pages did not answer 200/302: {', '.join(failed)}")
        floor = next(row for row in rows if row["page"] == "floor")
        for row in rows:
            row["ratio_to_floor"] = round(row["median_ms"] / floor["median_ms"], 1)
        result = {"label": label, "plan": str(quarter.plan), "repeat": repeat, "pages": rows}
        self._print(result)
        if json_path:
            with open(json_path, "w", encoding="utf-8") as output:
                json.dump(result, output, indent=2)

    def _client(self):
        user, _ = get_user_model().objects.get_or_create(username="bench-admin")
        user.groups.add(Group.objects.get(name=PLAN_ADMINISTRATORS))
        user.is_staff = True
        user.save()
        Owner.objects.get(code="CDO").users.add(user)
        AssuranceGroup.objects.get(code="DHG").secretaries.add(user)
        client = Client()
        client.force_login(user)
        self.user = user
        return client

    def _pages(self, quarter):
        plan = quarter.plan
        query = f"?plan={plan.financial_year}&quarter={quarter.number}"
        mine = Deliverable.objects.in_plan(plan).filter(owners__code="CDO").natural_order().first()
        group = AssuranceGroup.objects.get(code="DHG")
        update_url = reverse("deliverables:update_edit", args=[mine.pk, quarter.number])
        # The saves before each "_cold" request: the executive's deliverables in turn.
        self.saves = [
            (d, quarter, reverse("deliverables:update_edit", args=[d.pk, quarter.number]))
            for d in Deliverable.objects.requiring_update_in(quarter)
            .filter(owners__code="CDO", start_quarter__lte=quarter.number)
            # In its window, so On track is a status it may have.
            .exclude(end_quarter__lt=quarter.number)
            .natural_order()[:5]
        ]
        return [
            ("floor", "get", "/bench/floor/"),
            ("dashboard", "get", reverse("reporting:dashboard") + query),
            # The first request after an executive saves an update (issue 32): what is kept is
            # brought up to date for that deliverable.
            ("dashboard_cold", "get", reverse("reporting:dashboard") + query),
            # After a change that is not scoped to a deliverable (a plan edit, another server's
            # bulk load): everything is worked out again.
            ("dashboard_rebuilt", "get", reverse("reporting:dashboard") + query),
            ("rag_grid", "get", reverse("deliverables:rag_grid") + query),
            ("list", "get", reverse("reporting:deliverable_list") + query),
            (
                "list_filtered",
                "get",
                reverse("reporting:deliverable_list") + query + "&owner=CDO&status=green",
            ),
            ("deliverable", "get", reverse("deliverables:detail", args=[mine.pk])),
            ("my_updates", "get", reverse("deliverables:my_updates")),
            ("update_post", "post", update_url, mine, quarter),
            ("board_report", "get", reverse("reporting:board_report") + query),
            ("board_report_cold", "get", reverse("reporting:board_report") + query),
            ("group_pack", "get", reverse("reporting:group_pack", args=[group.pk]) + query),
            ("export_csv", "get", reverse("reporting:deliverable_export", args=["csv"]) + query),
            ("export_xlsx", "get", reverse("reporting:deliverable_export", args=["xlsx"]) + query),
            ("admin_changelist", "get", "/admin/deliverables/deliverable/"),
        ]

    def _measure(self, client, name, method, url, deliverable=None, quarter=None, repeat=20):
        timings, queries, status = [], None, None
        for turn in range(repeat + 1):  # the first request warms caches and is not counted
            data = self._update_data(deliverable, quarter) if method == "post" else None
            if name.endswith("_cold"):
                self._save(client, turn)
            elif name.endswith("_rebuilt"):
                revision.bump()  # an unscoped change: kept figures no longer apply
            with CaptureQueriesContext(connection) as context:
                start = time.perf_counter()
                response = client.post(url, data) if method == "post" else client.get(url)
                content = response.getvalue()  # a streamed download is read to its end
                elapsed = (time.perf_counter() - start) * 1000
            if status is None:
                status, queries = response.status_code, len(context.captured_queries)
                continue
            timings.append(elapsed)
        timings.sort()
        return {
            "page": name,
            "status": status,
            "queries": queries,
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
            "bytes": len(content),
            # What the browser downloads for the page: its HTML, gzip-compressed as served.
            "html_gzip_bytes": len(gzip.compress(content)),
        }

    def _peak_memory(self, client, pages, name):
        """Peak resident memory of this process after reading the page to its end, as the
        server would send it: chunks are counted and dropped, not kept."""
        page = next((page for page in pages if page[0] == name), None)
        if page is None:
            raise CommandError(f"No page called {name}.")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        response = client.get(page[2])
        size = (
            sum(len(chunk) for chunk in response) if response.streaming else len(response.content)
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {"page": name, "bytes": size, "mb_before": round(before), "mb_peak": round(peak)}
            )
        )

    def _save(self, client, turn):
        """An executive's save, as the page makes it: one deliverable in turn, its status
        moving between On track and At risk so that the figures change."""
        deliverable, quarter, url = self.saves[turn % len(self.saves)]
        data = self._update_data(deliverable, quarter)
        if turn // len(self.saves) % 2:  # At risk needs its expected date
            recovery = quarter.end + datetime.timedelta(90)
            prefix = f"d{deliverable.pk}-"
            data[prefix + "status"] = "amber"
            data[prefix + "amber_date_day"] = str(recovery.day)
            data[prefix + "amber_date_month"] = str(recovery.month)
            data[prefix + "amber_date_year"] = str(recovery.year)
        response = client.post(url, data)
        if response.status_code != 302:
            raise CommandError(f"The save before a first request failed: {response.status_code}")

    def _update_data(self, deliverable, quarter):
        existing = StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()
        prefix = f"d{deliverable.pk}-"
        return {
            prefix + "status": "green",
            prefix + "narrative": f"Benchmark save {time.time()}",
            prefix + "reason_for_change": "Benchmark",
            prefix + "version": str(existing.version if existing else 0),
        }

    def _print(self, result):
        self.stdout.write(f"\n{result['label']} {result['plan']}\n")
        self.stdout.write("| page | status | queries | median ms | p95 ms | × floor |")
        self.stdout.write("|---|---|---|---|---|---|")
        for row in result["pages"]:
            self.stdout.write(
                f"| {row['page']} | {row['status']} | {row['queries']} | {row['median_ms']} "
                f"| {row['p95_ms']} | {row['ratio_to_floor']} |"
            )
