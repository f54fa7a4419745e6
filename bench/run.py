"""Benchmark: pages under gunicorn on loopback, each against a trivial baseline view.

Starts gunicorn (production-like: DEBUG off, PostgreSQL, Redis, compressed static files),
signs in, then drives each page with wrk for a fixed time and prints throughput and
p50/p95 latency with the ratio to the baseline view that runs the same middleware.

Usage: make bench [BENCH_ARGS="--duration 10 --staff 20000"]
"""

import argparse
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
DEMO_PASSWORD = "wuye-demo-2026"

def pages(targets: dict, staff_page: str) -> list[tuple[str, str, bool, dict]]:
    """(name, path, signed in?, extra headers) of every page measured."""
    q = urllib.parse.quote
    htmx = {"HX-Request": "true"}
    return [
        ("baseline (trivial view)", "/bench/baseline/", True, {}),
        ("health check", "/healthz", False, {}),
        ("login page", "/login/", False, {}),
        ("dashboard", "/", True, {}),
        ("staff directory", "/staff/", True, {}),
        ("staff directory, page 20 by cursor", staff_page, True, {}),
        ("staff search (phone tail)", "/staff/?q=0042", True, {}),
        ("API staff list", "/api/v1/staff/", True, {}),
        ("search: name", f"/search/?q={q(targets['name'])}", True, htmx),
        ("search: pinyin initials", f"/search/?q={q(targets['initials'])}", True, htmx),
        ("search: phone tail", f"/search/?q={targets['tail']}", True, htmx),
        ("search: room", f"/search/?q={q(targets['room'])}", True, htmx),
        ("owner page", f"/owners/people/{targets['party']}/", True, {}),
        ("room page", f"/owners/rooms/{targets['room_id']}/", True, {}),
        ("owner list", "/owners/people/", True, {}),
        ("room list, one estate", "/owners/rooms/?estate=10", True, {}),
        ("API people, search", f"/api/v1/people/?q={targets['tail']}", True, {}),
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


def sign_in() -> tuple[str, str]:
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
        html = opener.open(f"{BASE}{url}").read().decode()
        marker = 'rel="next"'
        cut = html.rfind("href=", 0, html.find(marker))
        url = "/staff/" + html[cut + 6: html.find('"', cut + 6)].replace("&amp;", "&")
    return cookies, url


def wrk(path: str, cookies: str | None, duration: int, connections: int,
        headers: dict) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "report.lua")]
    if cookies:
        cmd += ["-H", f"Cookie: {cookies}"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, f"{BASE}{path}"], capture_output=True, text=True,
                         check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--staff", type=int, default=2_000, help="staff rows to scale to")
    parser.add_argument("--rooms", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--estates", type=int, default=50)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/wuye_crm_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    env = env_for(args)
    ensure_database(args.database_url)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "seed_demo"], env)
    run([PY, "-m", "bench.scale", "--staff", str(args.staff), "--rooms", str(args.rooms),
         "--people", str(args.people), "--estates", str(args.estates)], env)
    targets = json.loads(subprocess.run(
        [PY, "-m", "bench.scale", "--targets"], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True).stdout.strip().splitlines()[-1])
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)

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
        cookies, staff_page = sign_in()
        rows = []
        for name, path, signed_in, headers in pages(targets, staff_page):
            cookie = cookies if signed_in else None
            wrk(path, cookie, 2, args.connections, headers)  # warm-up
            rows.append((name, wrk(path, cookie, args.duration, args.connections, headers)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    base = rows[0][1]
    print(f"\n{args.workers} gunicorn sync workers, wrk {args.connections} connections, "
          f"{args.duration}s per page; {args.staff:,} staff, {args.estates} estates, "
          f"{args.rooms:,} rooms, {args.people:,} people\n")
    print(f"{'page':40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} "
          f"{'rps/base':>9} {'p95/base':>9}")
    for name, r in rows:
        print(f"{name:40} {r['rps']:8.0f} {r['p50_us'] / 1000:8.1f} {r['p95_us'] / 1000:8.1f} "
              f"{r['errors']:7d} {r['rps'] / base['rps']:9.2f} "
              f"{r['p95_us'] / max(base['p95_us'], 1):9.2f}")


if __name__ == "__main__":
    main()
