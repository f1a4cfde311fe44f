"""Load test of the public pages: gunicorn (gunicorn.conf.py, production settings) driven by wrk at a
steady rate, on loopback, bounded in time. Figures in docs/benchmarks.md, section "Load test".

    python bench/load_test.py probe                       # 20 s flat out: the most it serves
    python bench/load_test.py run --rate 150 --duration 300

The database is BENCH_LOAD_DATABASE_URL (default: bench_search, filled by `bench/search_speed.py fill`
with 100,000 published articles; never the test database). The cache is Redis database 7
(BENCH_LOAD_CACHE_URL), emptied first, shared by gunicorn's workers as in production.

Requests rotate over the home page, the coverage list and its pages 2-50, 2,000 article pages, the
press-release list, 200 press releases and 300 searches, in a fixed shuffled order. wrk is closed-loop;
the steady rate comes from a per-request delay in its Lua script (each connection waits
connections/rate seconds between requests), so the offered rate is at most --rate and sags only if
the server slows down. Any socket error, timeout or non-2xx/3xx status is an error; the run fails
unless there are none.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8031"))
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    **os.environ,
    "DATABASE_URL": os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_search"),
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "y" * 30,
    "DJANGO_DEBUG": "",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind a TLS-terminating proxy
    "NEWSROOM_CACHE_URL": os.environ.get("BENCH_LOAD_CACHE_URL", "redis://127.0.0.1:6379/7"),
    "NEWSROOM_LOG_LEVEL": "WARNING",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
}
SEARCHES = [
    "privacy", "facial recognition", '"facial recognition"', "police", "surveillance -drones", "schools",
    "new york", "immigration", "voting rights", "biometrics", "housing", "backlash", "records show",
    "free speech", "license plate readers", "data protection", "buffalo", "albany police", "ai", "letter",
]


def paths(count_articles: int = 2000, count_releases: int = 200) -> list[str]:
    """The URLs to request, read from the database the server uses."""
    code = f"""
import django, json
django.setup()
from clippings.models import Article, PressRelease
articles = Article.objects.published().order_by("?").only("pk", "slug")[:{count_articles}]
releases = PressRelease.objects.published().order_by("?").only("slug")[:{count_releases}]
print(json.dumps([a.get_absolute_url() for a in articles] + [r.get_absolute_url() for r in releases]))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True,
                            timeout=120, check=True)
    details = json.loads(result.stdout.strip().splitlines()[-1])
    rng = random.Random(0)
    searches = [f"/search/?q={urllib.request.quote(text)}" for text in SEARCHES]
    searches += [f"/search/?q={urllib.request.quote(a + ' ' + b)}" for a in SEARCHES for b in SEARCHES[:14]][:280]
    lists = ["/", "/coverage/", "/press-releases/"] * 100 + [f"/coverage/?page={n}" for n in range(2, 51)]
    everything = details + searches + lists
    rng.shuffle(everything)
    return everything


LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
local wait = %(wait_ms)d
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
delay = function() return wait end
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def start_server() -> subprocess.Popen:
    subprocess.run(["redis-cli", "-u", ENV["NEWSROOM_CACHE_URL"], "flushdb"], check=True, capture_output=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn")], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(60):
        try:
            urllib.request.urlopen(BASE + "/robots.txt", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def wrk(urls: list[str], *, duration: int, connections: int, wait_ms: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "paths.txt").write_text("\n".join(urls) + "\n")
        (Path(tmp) / "load.lua").write_text(LUA % {"paths": Path(tmp) / "paths.txt", "wait_ms": wait_ms})
        command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
                   "-s", str(Path(tmp) / "load.lua"), BASE]
        result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["errors"] = sum(figures[key] for key in ("connect", "read", "write", "status", "timeout"))
    figures["throughput"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def report(figures: dict, label: str) -> None:
    print(f"{label}: {figures['requests']:,} requests in {figures['duration_us'] / 1e6:.0f} s = "
          f"{figures['throughput']:.1f} req/s; latency p50 {figures['p50_us'] / 1000:.1f} ms, "
          f"p90 {figures['p90_us'] / 1000:.1f} ms, p99 {figures['p99_us'] / 1000:.1f} ms, "
          f"max {figures['max_us'] / 1000:.1f} ms; errors {figures['errors']} "
          f"(connect {figures['connect']}, read {figures['read']}, write {figures['write']}, "
          f"status {figures['status']}, timeout {figures['timeout']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["probe", "run"])
    parser.add_argument("--rate", type=int, default=100, help="requests per second offered (run)")
    parser.add_argument("--duration", type=int, default=300, help="seconds (run)")
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed")
    urls = paths()
    server = start_server()
    try:
        # Warm up: every distinct page once (fills the page cache as readers would), then measure.
        wrk(urls, duration=20, connections=args.connections, wait_ms=0)
        if args.action == "probe":
            report(wrk(urls, duration=20, connections=args.connections, wait_ms=0), "flat out, 20 s")
        else:
            wait_ms = round(args.connections * 1000 / args.rate)
            figures = wrk(urls, duration=args.duration, connections=args.connections, wait_ms=wait_ms)
            report(figures, f"steady {args.rate} req/s offered for {args.duration} s")
            if figures["errors"]:
                sys.exit(1)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
