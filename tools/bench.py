"""`make bench`: every page at factor 1 and factor 100, on SQLite and on PostgreSQL.

For each database and factor: a fresh database, migrate, the 2021/22 plan, generate_scale_data,
then `manage.py bench`. With BENCH_YEARS=N (N > 1), each factor is measured again on a database
holding N plan years of that size, each rolled over from the one before (`generate_scale_data
--years N`), to compare the current year's pages with the one-year database's. Prints markdown
tables and writes bench-results.json: a list of runs, each with `database`, `factor`, `years`
and `pages` (each page with `median_ms` and `queries`).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FACTORS = [int(f) for f in os.environ.get("BENCH_FACTORS", "1,100").split(",")]
REPEAT = os.environ.get("BENCH_REPEAT", "10")
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/uhbplan_bench")
YEARS = int(os.environ.get("BENCH_YEARS", "1"))
# The goal of issue 32: the current year's pages on ten years of history cost within this of
# the same pages on a one-year database of the same plan size.
YEARS_GOAL = 1.25


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def peak_memory(env, page):
    """The peak memory of a fresh process that serves `page` once, read to its end."""
    out = subprocess.run(
        [PYTHON, "manage.py", "bench", "--memory", page],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def fresh_database(kind, factor, workdir):
    if kind == "sqlite":
        path = Path(workdir) / f"bench-{factor}.sqlite3"  # one at a time: the same name
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = PG.rsplit("/", 1)[1]
    base = PG.rsplit("/", 1)[0]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return f"{base}/{name}"


def main():
    results = []
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("BENCH_SKIP_PG") != "1" else [])
    # Production settings serve static files from their manifest, which collectstatic writes
    # (into the git-ignored staticfiles/): without it every page is a 500 on a fresh clone.
    static_env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "benchmark-only-key"}
    manage(static_env, "collectstatic", "--no-input")
    with tempfile.TemporaryDirectory() as workdir:
        runs = [(f, 1) for f in FACTORS] + ([(f, YEARS) for f in FACTORS] if YEARS > 1 else [])
        for kind in kinds:
            for factor, years in runs:
                env = {**os.environ, "DATABASE_URL": fresh_database(kind, factor, workdir)}
                env |= {
                    "DEBUG": "0",
                    "SECRET_KEY": "benchmark-only-key",
                    "ALLOWED_HOSTS": "testserver",
                }
                print(f"== {kind}, factor {factor}, {years} year(s)", flush=True)
                manage(env, "migrate", "--no-input")
                manage(env, "load_plan")
                manage(env, "generate_scale_data", "--factor", str(factor), "--years", str(years))
                out = Path(workdir) / f"{kind}-{factor}-{years}.json"
                label = f"{kind} ×{factor}" + (f", {years} years" if years > 1 else "")
                manage(env, "bench", "--repeat", REPEAT, "--json", str(out), "--label", label)
                data = json.loads(out.read_text())
                data["memory"] = [
                    peak_memory(env, page) for page in ("floor", "export_csv", "export_xlsx")
                ]
                results.append({"database": kind, "factor": factor, "years": years, **data})
    table = summarise(results)
    print(table)
    (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2))
    print("Wrote bench-results.json")


def summarise(results):
    by_key = {
        (r["database"], r["factor"]): {p["page"]: p for p in r["pages"]}
        for r in results
        if r["years"] == 1
    }
    lines = [
        "| database | page | queries ×1 | queries ×100 | median ms ×1 | median ms ×100 "
        "| p95 ms ×100 | ×100 / ×1 | ×100 vs floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for database in sorted({r["database"] for r in results}):
        small, big = by_key.get((database, FACTORS[0]), {}), by_key.get((database, FACTORS[-1]), {})
        for page in small:
            s, b = small[page], big.get(page, small[page])
            growth = round(b["median_ms"] / s["median_ms"], 1) if s["median_ms"] else 0
            lines.append(
                f"| {database} | {page} | {s['queries']} | {b['queries']} | {s['median_ms']} | "
                f"{b['median_ms']} | {b['p95_ms']} | {growth} | {b['ratio_to_floor']} |"
            )
    lines += [
        "",
        "| database | factor | page | bytes | peak memory MB (process) |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        for m in r.get("memory", []):
            lines.append(
                f"| {r['database']} | {r['factor']} | {m['page']} | {m['bytes']} | {m['mb_peak']} |"
            )
    if YEARS > 1:
        lines += [
            "",
            f"| database | factor | page | queries, 1 year | queries, {YEARS} years "
            f"| median ms, 1 year | median ms, {YEARS} years | ratio | within {YEARS_GOAL}× |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in (r for r in results if r["years"] == YEARS):
            one = by_key[(r["database"], r["factor"])]
            for page in r["pages"]:
                base = one[page["page"]]
                ratio = round(page["median_ms"] / base["median_ms"], 2) if base["median_ms"] else 0
                lines.append(
                    f"| {r['database']} | {r['factor']} | {page['page']} | {base['queries']} "
                    f"| {page['queries']} | {base['median_ms']} | {page['median_ms']} | {ratio} "
                    f"| {'yes' if ratio <= YEARS_GOAL else 'NO'} |"
                )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
