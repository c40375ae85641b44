"""Mixed read load against the production topology on this machine, with wrk.

PostgreSQL (its own database, 6,000 scored genes with evidence from bench_api's data builder),
Redis (read cache, throttles, channel layer) and N daphne processes sharing one port through
SO_REUSEPORT sockets handed over with `daphne --fd` (daphne has no worker option of its own),
each running the production ASGI application: the edge read cache in front of Django.
wrk (Debian package) drives a weighted mix for a bounded time over loopback: gene list with
random filters, sorts and pages (API and page), gene detail and evidence, resolve, suggest,
statistics, sources and filtered exports. Prints requests/s, p50/p95/p99, errors, the cache hit
ratio, each endpoint's uncached and cached latency, and the load average. `--profile` then
samples the slowest uncached endpoint with py-spy and prints where its time goes.

    apt-get install wrk
    .venv/bin/python bench/load.py [--duration 60] [--connections 16] [--workers 2] [--reuse]
    LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_load  (the default)
    LOAD_REDIS_URL=redis://127.0.0.1:6379/5                          (the default)

Goal (issue 9): ≥ 400 requests/s, p99 < 200 ms, zero errors. The measured run starts from an
empty cache, so its misses include the cold start after a data change.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kgdb_load")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "bench"))

import bench_api  # noqa: E402  (sets the server environment and DJANGO_SETTINGS_MODULE)

SERVER_ENV = {
    **bench_api.SERVER_ENV,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "API_THROTTLE_ANON": "100000000/minute",
    "DJANGO_SETTINGS_MODULE": "bench.load_settings",
}
TIERS = [
    "comprehensive_support",
    "multi_source_support",
    "established_support",
    "preliminary_evidence",
    "minimal_evidence",
]
SOURCES = ["panelapp", "clingen", "gencc", "hpo", "pubtator", "literature", "diagnostic-panels"]
SORTS = [
    "-score,approved_symbol",
    "score",
    "-evidence_count",
    "approved_symbol",
    "-tier",
    "hgnc_id",
]
# (category, share of requests)
MIX = {
    "api_list": 25,
    "api_detail": 15,
    "api_evidence": 5,
    "api_resolve": 7,
    "api_statistics": 5,
    "api_sources": 3,
    "page_list": 10,
    "page_detail": 12,
    "page_suggest": 8,
    "page_home_statistics": 4,
    "export": 1,
}
POOL_SIZE = 30_000
PY_SPY = shutil.which("py-spy") or str(REPO_DIR / ".venv" / "bin" / "py-spy")
LUA = """
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines("PATHS_FILE") do paths[#paths + 1] = line end
  math.randomseed(os.time() * 1000 + id)
  hits, misses, errors, statuses = 0, 0, 0, ""
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
  local cached = headers["X-Cache"]
  if cached == "hit" then hits = hits + 1 elseif cached == "miss" then misses = misses + 1 end
end
function done(summary, latency, requests)
  local h, m, e, s = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits"); m = m + thread:get("misses"); e = e + thread:get("errors")
    s = s .. thread:get("statuses")
  end
  io.write(string.format("RESULT requests=%d seconds=%.3f errors=%d socket_errors=%d\\n",
    summary.requests, summary.duration / 1e6, e,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status))
  io.write(string.format("RESULT p50=%.2f p95=%.2f p99=%.2f max=%.2f\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("RESULT hits=%d misses=%d statuses=%s\\n", h, m, s))
end
"""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def data_ready(reuse: bool) -> None:
    """Build the database with bench_api's builder unless `--reuse` finds it scored already."""
    import psycopg

    if reuse:
        try:
            with psycopg.connect(DATABASE_URL) as connection:
                count = connection.execute("SELECT COUNT(*) FROM genes_genescore").fetchone()[0]
            if count >= 6000:
                import django

                django.setup()
                from django.core.management import call_command

                call_command("migrate", verbosity=0)
                print(f"reusing {DATABASE_URL.rsplit('/', 1)[1]}: {count} scored genes")
                return
        except psycopg.Error:
            pass
    bench_api.database_recreate()
    bench_api.data_fill(6000)


def request_pool(rng: random.Random) -> dict[str, list[str]]:
    """Candidate URLs per category; list URLs only ask for pages that exist."""
    from genes.filters import GeneScoreFilterSet
    from genes.models import GeneScore
    from genes.selectors import gene_score_list

    ids = list(GeneScore.objects.order_by("-score").values_list("gene_id", flat=True))
    # Popular genes are asked for far more often than the rest (Zipf-like).
    popular = [ids[min(int(rng.paretovariate(0.6)) - 1, len(ids) - 1)] for _ in range(4000)]

    def list_state() -> dict[str, str]:
        state: dict[str, str] = {}
        if rng.random() < 0.5:
            state["tier"] = ",".join(sorted(rng.sample(TIERS, rng.randint(1, 2))))
        if rng.random() < 0.3:
            state["source"] = rng.choice(SOURCES)
        if rng.random() < 0.2:
            state["min_score"] = str(rng.choice([10, 20, 40, 60]))
        if rng.random() < 0.1:
            state["search"] = f"KG{rng.randint(1, 60)}"
        if rng.random() < 0.6:
            state["sort"] = rng.choice(SORTS)
        return state

    def list_urls(api: bool) -> list[str]:
        urls = []
        for _ in range(400):
            state = list_state()
            size = rng.choice([25, 50, 100])
            total = GeneScoreFilterSet(state, queryset=gene_score_list()).qs.count()
            page = rng.randint(1, max(1, min(5, -(-total // size))))
            if api:
                params = [(f"filter[{k}]" if k != "sort" else k, v) for k, v in state.items()]
                params += [("page[number]", str(page)), ("page[size]", str(size))]
                urls.append("/api/genes/?" + "&".join(f"{k}={quote(v)}" for k, v in params))
            else:
                params = [*state.items(), ("page", str(page)), ("page_size", str(size))]
                urls.append("/genes/?" + "&".join(f"{k}={quote(v)}" for k, v in params))
        return urls

    def export_urls() -> list[str]:
        formats = ["csv", "tsv", "json"]
        return [
            f"/api/genes/?format={fmt}&filter[tier]={tier}" for fmt in formats for tier in TIERS[:3]
        ]

    resolve = [
        rng.choice([f"KG{gene}", f"PRE{gene}", f"ALI{gene}", f"HGNC:{gene}"]) for gene in popular
    ]
    return {
        "api_list": list_urls(api=True),
        "api_detail": [f"/api/genes/KG{gene}/" for gene in popular],
        "api_evidence": [f"/api/genes/KG{gene}/evidence/" for gene in popular],
        "api_resolve": [f"/api/genes/resolve/?q={quote(q)}" for q in resolve],
        "api_statistics": [
            "/api/statistics/summary/",
            "/api/statistics/distributions/",
            "/api/statistics/overlaps/",
            "/api/statistics/overlaps/?detail=true",
        ],
        "api_sources": ["/api/sources/"] + [f"/api/sources/{key}/" for key in SOURCES],
        "page_list": list_urls(api=False),
        "page_detail": [f"/genes/KG{gene}/" for gene in popular],
        "page_suggest": [f"/search/suggest/?q=KG{gene // 100 or gene}" for gene in popular],
        "page_home_statistics": ["/", "/statistics/", "/about/"],
        "export": export_urls(),
    }


def weighted_paths(pool: dict[str, list[str]], rng: random.Random) -> list[str]:
    categories = [name for name in MIX for _ in range(MIX[name])]
    return [rng.choice(pool[rng.choice(categories)]) for _ in range(POOL_SIZE)]


def reuseport_sockets(count: int) -> tuple[int, list[socket.socket]]:
    """`count` listening sockets on one loopback port; the kernel spreads connections."""
    sockets: list[socket.socket] = []
    port = 0
    for _ in range(count):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(1024)
        sock.set_inheritable(True)
        port = sock.getsockname()[1]
        sockets.append(sock)
    return port, sockets


def servers_start(workers: int, cache_seconds: int) -> tuple[int, list[subprocess.Popen]]:
    port, sockets = reuseport_sockets(workers)
    daphne = str(REPO_DIR / ".venv" / "bin" / "daphne")
    env = {**os.environ, **SERVER_ENV, "LOAD_READ_CACHE_SECONDS": str(cache_seconds)}
    processes = [
        subprocess.Popen(
            [daphne, "-v", "0", "--fd", str(sock.fileno()), "kidney_genetics.asgi:application"],
            cwd=REPO_DIR,
            env=env,
            pass_fds=[sock.fileno()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for sock in sockets
    ]
    for sock in sockets:
        sock.close()
    for _ in range(150):
        try:
            get(port, "/api/ping/")
            return port, processes
        except OSError:
            time.sleep(0.2)
    servers_stop(processes)
    raise RuntimeError("daphne did not start")


def servers_stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def get(port: int, path: str) -> tuple[int, str, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, response.getheader("X-Cache", ""), elapsed


def cache_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def endpoint_latencies(port: int, pool: dict[str, list[str]], rng: random.Random) -> dict:
    """Per category: p50 of first (uncached) and repeated (cached) requests, sequentially."""
    results = {}
    for name, urls in pool.items():
        sample = rng.sample(sorted(set(urls)), min(10, len(set(urls))))
        cold = [get(port, url) for url in sample]
        warm = [get(port, url) for url in sample]
        bad = [
            (url, status) for url, (status, _, _) in zip(sample, cold, strict=True) if status != 200
        ]
        if bad:
            raise RuntimeError(f"{name}: non-200 responses {bad[:3]}")
        results[name] = (
            sorted(t for _, _, t in cold)[len(cold) // 2],
            sorted(t for _, _, t in warm)[len(warm) // 2],
            sum(1 for _, cached, _ in warm if cached == "hit"),
            len(sample),
        )
    return results


def wrk_run(port: int, paths: list[str], args: argparse.Namespace, seconds: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="kg-load-"))
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "mix.lua"
    script.write_text(LUA.replace("PATHS_FILE", str(paths_file)))
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(script), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    shutil.rmtree(workdir)
    values: dict[str, str] = {}
    for line in output.splitlines():
        if line.startswith("RESULT "):
            values.update(re.findall(r"(\w+)=(\S*)", line))
    return values


def cpu_seconds(processes: list[subprocess.Popen]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def report(result: dict, processes_cpu: float, label: str) -> None:
    requests, seconds = int(result["requests"]), float(result["seconds"])
    hits, misses = int(result["hits"]), int(result["misses"])
    ratio = hits / (hits + misses) if hits + misses else 0.0
    print(f"\n== {label}")
    print(f"requests/s      {requests / seconds:8.1f}   ({requests} in {seconds:.1f} s)")
    print(f"latency ms      p50 {result['p50']}  p95 {result['p95']}  p99 {result['p99']}"
          f"  max {result['max']}")  # fmt: skip
    print(f"errors          {result['errors']} non-200, {result['socket_errors']} socket/timeouts"
          f"  {result['statuses'].strip()[:120]}")  # fmt: skip
    print(f"cache hit ratio {ratio:8.1%}   ({hits} hits, {misses} misses; rest not cacheable)")
    print(f"server CPU      {processes_cpu:8.1f} s over {seconds:.0f} s; load average {loadavg()}")


def profile(port: int, processes: list, urls: list[str], args: argparse.Namespace) -> None:
    """py-spy samples every daphne process while wrk hammers one uncached endpoint."""
    out = Path(tempfile.mkdtemp(prefix="kg-prof-"))
    spies = [
        subprocess.Popen(
            [PY_SPY, *f"record -p {p.pid} -d 12 -r 200 -f raw --gil --nonblocking".split()]
            + ["-o", str(out / f"{p.pid}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in processes
    ]
    time.sleep(1)
    wrk_run(port, urls, args, 10)
    for spy in spies:
        spy.wait(timeout=60)
    inclusive: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    total = 0
    for path in out.glob("*.txt"):
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = [_frame_name(frame) for frame in stack.split(";")]
            total += int(count)
            leaves[frames[-1]] += int(count)
            inclusive.update({frame: int(count) for frame in set(frames) if _project_frame(frame)})
    print(f"\n== py-spy (--gil, on-CPU samples of all workers): {total} samples")
    print("project code, inclusive:")
    for frame, count in inclusive.most_common(args.profile_lines):
        print(f"{count / total:6.1%}  {frame.replace(str(REPO_DIR) + '/', '')}")
    print("hottest leaf frames (self time):")
    for frame, count in leaves.most_common(args.profile_lines // 2):
        print(f"{count / total:6.1%}  {frame.split('site-packages/')[-1]}")
    shutil.rmtree(out)


def _frame_name(frame: str) -> str:
    """`function (path:line)` → `path function`, so lines of one function count once."""
    function, _, location = frame.partition(" (")
    return f"{location.rsplit(':', 1)[0]} {function}"


def _project_frame(frame: str) -> bool:
    """daphne runs from the repository, so py-spy names project files relative to it."""
    path = frame.split(" ", 1)[0]
    if path.startswith(str(REPO_DIR)):
        return "/.venv/" not in path
    return not path.startswith(("/", "<"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep an already scored database")
    parser.add_argument("--no-cache-run", action="store_true", help="also run with caching off")
    parser.add_argument("--profile", action="store_true", help="py-spy the slowest endpoint")
    parser.add_argument("--profile-lines", type=int, default=40)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    data_ready(args.reuse)
    rng = random.Random(9)
    pool = request_pool(rng)
    paths = weighted_paths(pool, rng)
    distinct = len(set(paths))
    print(f"{len(paths)} requests drawn from {distinct} distinct URLs; {os.cpu_count()} CPUs")
    port, processes = servers_start(args.workers, cache_seconds=300)
    try:
        cache_flush()
        latencies = endpoint_latencies(port, pool, rng)
        print(f"\n{'endpoint':<22} {'uncached p50':>13} {'cached p50':>11}  (10 URLs each)")
        for name, (cold, warm, hits, count) in latencies.items():
            print(f"{name:<22} {cold:10.1f} ms {warm:8.1f} ms  {hits}/{count} hits")
        cache_flush()
        wrk_run(port, paths, args, 5)
        cache_flush()
        before = cpu_seconds(processes)
        result = wrk_run(port, paths, args, args.duration)
        label = f"{args.workers} daphne workers, cache on, {args.connections} connections"
        report(result, cpu_seconds(processes) - before, label)
    finally:
        servers_stop(processes)
    slowest = max(latencies, key=lambda name: latencies[name][0])
    if args.no_cache_run or args.profile:
        port, processes = servers_start(args.workers, cache_seconds=0)
        try:
            if args.no_cache_run:
                before = cpu_seconds(processes)
                result = wrk_run(port, paths, args, args.duration)
                report(result, cpu_seconds(processes) - before, "same mix, cache off")
            if args.profile:
                print(f"\nprofiling {slowest} (slowest uncached endpoint), cache off")
                profile(port, processes, pool[slowest], args)
        finally:
            servers_stop(processes)


if __name__ == "__main__":
    main()
