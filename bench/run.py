"""Benchmark: pages under gunicorn on loopback, each against a trivial baseline view.

Starts gunicorn (production-like: DEBUG off, PostgreSQL, Redis, compressed static files),
signs in, then drives each page with wrk for a fixed time, twice: with one connection per
worker (the latency a user sees: no request waits for a busy worker) and with more
connections than workers (load: requests queue, throughput). Prints throughput and p50/p95
latency of both with the ratio to the baseline view that runs the same middleware. Saving
a ticket is driven the same way (POSTs from bench/post_ticket.lua), and one escalation scan
over all tickets is timed in a process of its own, as are the calendar pages as the first
view after a change (nothing of them cached).

Targets, read off the latency run (service tickets, at 1,000,000 tickets of 10 events):
board and filtered list p95 ≤ 50 ms, fast-entry save p95 ≤ 40 ms, one escalation scan
≤ 1 s. Calendar (200 staff,
500,000 events, about 5 % recurring): one person's week, the team view of 30 people and
the API's conflict check (a clashing meeting answered 409, counted as success) p95 ≤ 50 ms.

Usage: make bench [BENCH_ARGS="--duration 10 --staff 20000 --tickets 1000000 --events 500000"]
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

import redis

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
DEMO_PASSWORD = "wuye-demo-2026"
TICKET_FILTER = "/tickets/?status=in_progress&priority=high"


BASELINES = 2  # the first pages: our trivial view, and the same behind plain Django


class Page(NamedTuple):
    """A page driven by wrk: a GET reported by report.lua, or what ``script`` sends."""

    name: str
    path: str
    signed_in: bool = True
    headers: dict = {}
    script: str = "report.lua"
    args: tuple = ()


def pages(targets: dict, links: dict) -> list[Page]:
    """Every page measured, the baseline first."""
    q = urllib.parse.quote
    htmx = {"HX-Request": "true"}
    board = f"/tickets/board/?territory={targets['territory']}&priority=urgent"
    week = targets["week"]
    team = urllib.parse.urlencode([("users", pk) for pk in targets["team"]])
    # A meeting of the desk and three colleagues when all four are busy already: 409.
    clash = {"kind": "meeting", "title": "基准冲突检查", **targets["clash"]}
    return [
        Page("baseline (trivial view)", "/bench/baseline/"),
        # The same view behind Django's default middleware only (portal.benchmark).
        Page("plain Django view (default middleware)", "/bench/plain/"),
        Page("health check", "/healthz", signed_in=False),
        Page("login page", "/login/", signed_in=False),
        Page("dashboard", "/"),
        Page("staff directory", "/staff/"),
        Page("staff directory, page 20 by cursor", links["staff_page"]),
        Page("staff search (phone tail)", "/staff/?q=0042"),
        Page("API staff list", "/api/v1/staff/"),
        Page("search: name", f"/search/?q={q(targets['name'])}", headers=htmx),
        Page("search: pinyin initials", f"/search/?q={q(targets['initials'])}", headers=htmx),
        Page("search: phone tail", f"/search/?q={targets['tail']}", headers=htmx),
        Page("search: room", f"/search/?q={q(targets['room'])}", headers=htmx),
        Page("owner page", f"/owners/people/{targets['party']}/"),
        Page("room page", f"/owners/rooms/{targets['room_id']}/"),
        Page("owner list", "/owners/people/"),
        Page("room list, one estate", "/owners/rooms/?estate=10"),
        Page("API people, search", f"/api/v1/people/?q={targets['tail']}"),
        Page("ticket board", "/tickets/board/"),
        Page("ticket board, one territory + urgent", board),
        Page("ticket board, htmx refresh", "/tickets/board/", headers=htmx),
        Page("ticket list (open)", "/tickets/"),
        Page("ticket list, in progress + high", TICKET_FILTER),
        Page("ticket list, one category", f"/tickets/?category={targets['category']}"),
        Page("ticket list, filtered, page 2", links["ticket_page"]),
        Page("ticket detail (10 events)", f"/tickets/{targets['ticket']}/"),
        Page("fast-entry save (POST, 302)", "/tickets/new/", script="post_ticket.lua",
             args=(links["csrf"], str(targets["category"]), ",".join(targets["callers"]))),
        Page("calendar week (one person)", f"/schedule/calendar/?view=week&date={week}"),
        Page(f"team view ({len(targets['team'])} people, week)",
             f"/schedule/team/?view=week&date={week}&{team}"),
        Page("conflict check (API, 409)", "/api/v1/events/", signed_in=False,
             headers={"Authorization": f"Token {targets['token']}"},
             script="post_conflict.lua", args=(json.dumps(clash),)),
    ]


def env_for(args) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        BENCH_BASELINE_VIEW="true",
        PII_ENCRYPTION_KEYS="YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZy4uLi4=",
        PII_HASH_KEY="bench-only-hash-key",
        LOG_LEVEL="WARNING",
    )
    return env


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def ensure_database(url: str) -> None:
    parsed = urllib.parse.urlparse(url)
    result = subprocess.run(
        ["createdb", "-h", parsed.hostname or "127.0.0.1", "-U", parsed.username or "postgres",
         "-E", "UTF8", "--lc-ctype=C.UTF-8", "--lc-collate=C.UTF-8", "-T", "template0",
         parsed.path.lstrip("/")],
        capture_output=True, text=True, check=False)
    if result.returncode != 0 and "already exists" not in result.stderr:
        raise SystemExit(result.stderr)


def _next_link(html: str, base: str) -> str | None:
    """The target of the page's rel="next" link (a query string), as a path under ``base``."""
    tag = re.search(r'<a\b[^>]*\brel="next"[^>]*>', html)
    href = re.search(r'href="([^"]*)"', tag.group(0)) if tag else None
    return base + href.group(1).replace("&amp;", "&") if href else None


def sign_in() -> tuple[str, dict]:
    """Signs in as the desk; returns the cookies and the pages found by following links."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{BASE}/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": "frontdesk", "password": DEMO_PASSWORD,
                                   "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(f"{BASE}/login/", data=body,
                                     headers={"Referer": f"{BASE}/login/"})
    opener.open(request).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "sessionid" not in cookies:
        raise SystemExit("could not sign in as frontdesk")
    # The cursor of page 20 of the directory, found by following "next" links.
    url = "/staff/"
    for _ in range(19):
        url = _next_link(opener.open(f"{BASE}{url}").read().decode(), "/staff/")
    ticket_page = _next_link(opener.open(f"{BASE}{TICKET_FILTER}").read().decode(),
                             "/tickets/") or TICKET_FILTER
    # The token rotates at sign-in: the form field sends the cookie's current value.
    links = {"staff_page": url, "ticket_page": ticket_page,
             "csrf": next(c.value for c in jar if c.name == "csrftoken")}
    return cookies, links


def wrk(page: Page, cookies: str | None, duration: int, connections: int) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / page.script)]
    if cookies:
        cmd += ["-H", f"Cookie: {cookies}"]
    for name, value in page.headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"{BASE}{page.path}")
    if page.args:
        cmd += ["--", *page.args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    if done.stderr:  # what a script says about failed requests
        print(done.stderr, file=sys.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# One escalation scan over all tickets, then a second at once (steady state: what became
# due in between). The notices it enqueues go to the bench Redis and are purged after, so
# no worker mails the bench's managers later; they are then marked sent, as a worker would
# have, so the next run's scan does not queue them again as lost.
ESCALATION_SCAN = """
import json, time
import django
django.setup()
from django.utils import timezone
from config.celery import app
from service_tickets.escalation import escalations_scan
from service_tickets.models import Escalation
runs = []
for _ in range(2):
    start = time.perf_counter()
    made = escalations_scan()
    runs.append({"ms": (time.perf_counter() - start) * 1000, "made": made})
try:
    app.control.purge()
except Exception:
    pass
Escalation.objects.filter(notified_at__isnull=True).update(notified_at=timezone.now())
print(json.dumps(runs))
"""


# The calendar pages as the first view after a change: each person's cached calendar is
# dropped (a new generation, as any change of their events does) before every request, so
# everything is read from the database and laid out again. In a process of its own, with
# Django's test client (no HTTP): what wrk measures after its warm-up is the cached page.
FIRST_VIEWS = """
import json, statistics, sys, time
import django
django.setup()
from django.core.cache import cache
from django.test import Client
from scheduling import calendar_cache
from staff.models import User
targets = json.loads(sys.argv[1])
client = Client(HTTP_HOST="127.0.0.1")
desk = User.objects.get(username="frontdesk")
client.force_login(desk)
pages = {"week": (f"/schedule/calendar/?view=week&date={targets['week']}", [desk.pk]),
         "team": ("/schedule/team/?view=week&date=" + targets["week"] + "".join(
             f"&users={pk}" for pk in targets["team"]), [desk.pk, *targets["team"]])}
found = {}
for name, (url, people) in pages.items():
    times = []
    for _ in range(11):
        cache.delete_many([calendar_cache._generation_key(pk) for pk in people])
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    times = times[1:]  # the first also loads the code
    found[name] = {"p50": statistics.median(times), "max": max(times)}
print(json.dumps(found))
"""


def first_views(env: dict, targets: dict) -> dict:
    out = subprocess.run([PY, "-c", FIRST_VIEWS, json.dumps(targets)], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def escalation_scan(env: dict) -> list[dict]:
    out = subprocess.run([PY, "-c", ESCALATION_SCAN], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8,
                        help="connections of the load run (requests queue for the workers)")
    parser.add_argument("--latency-connections", type=int, default=0,
                        help="connections of the latency run (default: one per worker)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--staff", type=int, default=2_000, help="staff rows to scale to")
    parser.add_argument("--rooms", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--estates", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=1_000_000,
                        help="service tickets (10 events each) to scale to")
    parser.add_argument("--events", type=int, default=500_000,
                        help="calendar events (about 5 %% recurring) of 200 staff to scale to")
    parser.add_argument("--only", default="",
                        help="comma-separated words: measure only pages whose name has one "
                             "(the two baselines always run)")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/wuye_crm_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    env = env_for(args)
    ensure_database(args.database_url)
    # Nothing cached by an earlier run (of other data, perhaps) is read by this one.
    redis.Redis.from_url(args.redis_url).flushdb()
    started = time.monotonic()
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "seed_demo"], env)
    run([PY, "-m", "bench.scale", "--staff", str(args.staff), "--rooms", str(args.rooms),
         "--people", str(args.people), "--estates", str(args.estates),
         "--tickets", str(args.tickets), "--events", str(args.events)], env)
    data_seconds = time.monotonic() - started
    targets = json.loads(subprocess.run(
        [PY, "-m", "bench.scale", "--targets"], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True).stdout.strip().splitlines()[-1])
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)

    words = [w.strip() for w in args.only.split(",") if w.strip()]
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookies, links = sign_in()
        chosen = [p for i, p in enumerate(pages(targets, links))
                  if i < BASELINES or not words or any(w in p.name for w in words)]
        # Latency with one request per worker at a time (what a user waits), then under
        # load with requests queueing for the workers (throughput).
        levels = sorted({args.latency_connections or args.workers, args.connections})
        runs: dict[int, list] = {level: [] for level in levels}
        for page in chosen:
            cookie = cookies if page.signed_in else None
            wrk(page, cookie, 2, levels[-1])  # warm-up
            for level in levels:
                runs[level].append((page.name, wrk(page, cookie, args.duration, level)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    scans = escalation_scan(env) if not words or any("escalation" in w for w in words) else []
    firsts = first_views(env, targets) if not words or any(
        w in ("calendar", "team", "first") for w in words) else {}

    print(f"\n{args.workers} gunicorn sync workers, {args.duration}s per page and load; "
          f"{args.staff:,} staff, {args.estates} estates, {args.rooms:,} rooms, "
          f"{args.people:,} people, {args.tickets:,} tickets, {args.events:,} calendar events "
          f"(data ready in {data_seconds:.0f} s)")
    for level, rows in runs.items():
        base, plain = rows[0][1], rows[1][1]
        print(f"\nwrk {level} connections (base: our trivial view; plain: the same view "
              f"behind Django's default middleware)\n{'page':40} {'req/s':>8} {'p50 ms':>8} "
              f"{'p95 ms':>8} {'errors':>7} {'rps/base':>9} {'p95/base':>9} "
              f"{'rps/plain':>9} {'p95/plain':>9}")
        for name, r in rows:
            print(f"{name:40} {r['rps']:8.0f} {r['p50_us'] / 1000:8.1f} "
                  f"{r['p95_us'] / 1000:8.1f} {r['errors']:7d} {r['rps'] / base['rps']:9.2f} "
                  f"{r['p95_us'] / max(base['p95_us'], 1):9.2f} "
                  f"{r['rps'] / plain['rps']:9.2f} {r['p95_us'] / max(plain['p95_us'], 1):9.2f}")
    base = runs[levels[0]][0][1]
    for label, scan in zip(["escalation scan", "escalation scan, again"], scans, strict=False):
        name = f"{label} ({scan['made']:,} fired)"
        print(f"{name:40} {'':8} {'':8} {scan['ms']:8.1f} {'':7} {'':9} "
              f"{scan['ms'] * 1000 / max(base['p95_us'], 1):9.2f}")
    if firsts:
        print(f"\nfirst view after a change, in-process (10 requests){'':9} {'p50 ms':>8} "
              f"{'max ms':>8}")
        labels = {"week": "calendar week (one person)",
                  "team": f"team view ({len(targets['team'])} people, week)"}
        for key, label in labels.items():
            print(f"{label:40} {'':8} {firsts[key]['p50']:8.1f} {firsts[key]['max']:8.1f}")


if __name__ == "__main__":
    main()
