"""`make bench`: every page at factor 1 and factor 100, on SQLite and on PostgreSQL.

For each database and factor: a fresh database, migrate, the 2021/22 plan, generate_scale_data,
then `manage.py bench`. Prints one markdown table and writes bench-results.json.
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
        path = Path(workdir) / f"bench-{factor}.sqlite3"
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
        for kind in kinds:
            for factor in FACTORS:
                env = {**os.environ, "DATABASE_URL": fresh_database(kind, factor, workdir)}
                env |= {
                    "DEBUG": "0",
                    "SECRET_KEY": "benchmark-only-key",
                    "ALLOWED_HOSTS": "testserver",
                }
                print(f"== {kind}, factor {factor}", flush=True)
                manage(env, "migrate", "--no-input")
                manage(env, "load_plan")
                manage(env, "generate_scale_data", "--factor", str(factor))
                out = Path(workdir) / f"{kind}-{factor}.json"
                manage(
                    env,
                    "bench",
                    "--repeat",
                    REPEAT,
                    "--json",
                    str(out),
                    "--label",
                    f"{kind} ×{factor}",
                )
                data = json.loads(out.read_text())
                data["memory"] = [
                    peak_memory(env, page) for page in ("floor", "export_csv", "export_xlsx")
                ]
                results.append({"database": kind, "factor": factor, **data})
    table = summarise(results)
    print(table)
    (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2))
    print("Wrote bench-results.json")


def summarise(results):
    by_key = {(r["database"], r["factor"]): {p["page"]: p for p in r["pages"]} for r in results}
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
    return "\n".join(lines)


if __name__ == "__main__":
    main()
