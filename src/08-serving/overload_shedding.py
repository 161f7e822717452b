# [[file:../../primer.org::*Overload: deadlines, fallbacks and load shedding][Overload: deadlines, fallbacks and load shedding:1]]
"""Overload: per-request deadlines with a fallback answer, and load shedding (503 when
the queue is full), in a prediction service offered half and twice its capacity.

The service (FastAPI + uvicorn, one worker) runs as a subprocess on 127.0.0.1 and is
stopped on every exit path, as in serving_load.py.  One task scores the queued
requests one at a time; each call costs a fixed SERVICE_MS (a small scikit-learn model
plus an awaited pad), so the capacity is known.  The overload policy is switched
through an admin endpoint between phases, so the server starts only once.
  python overload_shedding.py                the whole experiment
  python overload_shedding.py --serve-only   start the service and keep it up (Ctrl-C stops it)
"""
import argparse
import asyncio
import atexit
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import asynccontextmanager

import httpx
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import uvicorn
from fastapi import FastAPI, Header, Response
from fastapi.responses import JSONResponse
from pathlib import Path
from pydantic import BaseModel, Field
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
SLA_MS = 250.0                  # what the caller needs: an answer within 250 ms
SERVICE_MS = 20.0               # one model call, fixed: capacity 50 requests per second
RESERVE_MS = 2 * SERVICE_MS     # kept back from a deadline for the last call and the reply
QUEUE_LIMIT = int(0.75 * SLA_MS / SERVICE_MS)   # K: a full queue still drains within the SLA
LOADS = {0.5: 1.0, 2.0: 1.2}    # offered load (a multiple of capacity): seconds of arrivals
POLICIES = {"plain": (0, False), "shed": (QUEUE_LIMIT, False), "deadline": (0, True)}
N_FEATURES, N_USERS = 6, 400
SESSION_NOISE = 0.3             # how much a user's features move between requests
TOLERANCE = 0.1                 # allowed gap between the refused share and M/D/1/K
SETTLE_S = 0.3                  # a full queue is reached by then at twice the capacity


# ---------------------------------------------------------------- the service
class Ask(BaseModel):
    user: int = Field(ge=0)
    x: list[float] = Field(min_length=N_FEATURES, max_length=N_FEATURES)


class Job:
    __slots__ = ("x", "user", "future", "started")

    def __init__(self, x, user, future):
        self.x, self.user, self.future, self.started = x, user, future, False


def build_app(model, default_score: float) -> FastAPI:
    policy = {"limit": 0, "deadlines": False}
    stats = {"served": 0, "shed": 0, "fallback": 0, "skipped": 0, "busy_s": 0.0}
    queue: asyncio.Queue = asyncio.Queue()
    cache: dict[int, float] = {}          # the last score the model gave each user
    in_system = [0]                       # queued or in the model, not yet answered

    async def scorer():
        """The only consumer: one request at a time, the single-server queue."""
        while True:
            job = await queue.get()
            if job.future.done():         # its deadline passed in the queue: no work
                stats["skipped"] += 1
                continue
            job.started = True
            start = time.perf_counter()
            score = float(model.predict_proba(job.x)[0, 1])
            pad = SERVICE_MS / 1e3 - (time.perf_counter() - start)
            if pad > 0:                   # stands in for a model whose cost we set;
                await asyncio.sleep(pad)  # awaited, so the loop keeps taking requests
            stats["busy_s"] += time.perf_counter() - start
            stats["served"] += 1
            cache[job.user] = score
            in_system[0] -= 1
            job.future.set_result(score)

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(scorer())
        yield
        task.cancel()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.post("/admin/policy")
    async def set_policy(limit: int = 0, deadlines: bool = False):
        policy.update(limit=limit, deadlines=deadlines)
        stats.update(served=0, shed=0, fallback=0, skipped=0, busy_s=0.0)
        return policy

    @app.get("/admin/stats")
    async def get_stats():
        return {**stats, "in_system": in_system[0],
                "service_ms": stats["busy_s"] / max(stats["served"], 1) * 1e3}

    @app.post("/predict")
    async def predict(ask: Ask, response: Response,
                      x_deadline_ms: float | None = Header(default=None)):
        if policy["limit"] and in_system[0] >= policy["limit"]:
            stats["shed"] += 1            # refuse at once: the caller can go elsewhere
            return JSONResponse({"detail": "overloaded"}, status_code=503,
                                headers={"retry-after": "1"})
        job = Job(np.array([ask.x]), ask.user, asyncio.get_running_loop().create_future())
        in_system[0] += 1
        queue.put_nowait(job)
        if not (policy["deadlines"] and x_deadline_ms is not None):
            response.headers["x-answer"] = "model"
            return {"score": await job.future}
        budget = max(0.0, (x_deadline_ms - RESERVE_MS) / 1e3)
        try:
            score = await asyncio.wait_for(asyncio.shield(job.future), budget)
        except TimeoutError:
            if not job.started:           # still queued: answer now, and drop the job
                job.future.cancel()
                in_system[0] -= 1
                stats["fallback"] += 1
                cached = cache.get(ask.user)
                response.headers["x-answer"] = "default" if cached is None else "cache"
                return {"score": default_score if cached is None else cached}
            score = await job.future      # in the model: done within one service time
        response.headers["x-answer"] = "model"
        return {"score": score}

    return app


def watch_parent(parent: int) -> None:
    """Exit when the process that started us is gone (it was SIGKILLed, say)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def run_server(port: int, parent: int) -> None:
    threadpool_limits(1)
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    model, default_score, _ = train()
    # idle connections outlive the client pool's 5 s, so none closes under a request
    uvicorn.run(build_app(model, default_score), host="127.0.0.1", port=port,
                log_level="warning", access_log=False, timeout_keep_alive=30)


def users(rng):
    """Each user has a profile; each request is the profile plus this session's noise."""
    return rng.normal(size=(N_USERS, N_FEATURES))


def train():
    rng = np.random.default_rng(0)
    profile = users(rng)
    who = rng.integers(0, N_USERS, 5_000)
    X = profile[who] + SESSION_NOISE * rng.normal(size=(len(who), N_FEATURES))
    logit = X @ np.array([1.0, -0.8, 0.6, 0.0, 0.4, -0.3]) - 1.0
    y = (rng.random(len(who)) < 1 / (1 + np.exp(-logit))).astype(int)
    model = LogisticRegression().fit(X, y)
    return model, float(y.mean()), profile      # the default answer: the base rate
# Overload: deadlines, fallbacks and load shedding:1 ends here

# [[file:../../primer.org::*Overload: deadlines, fallbacks and load shedding][Overload: deadlines, fallbacks and load shedding:2]]
# ------------------------------------------------------------------ the driver
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The service as a child process in its own process group."""

    def __init__(self, marker: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, __file__, "--server", str(self.port),
                                      str(os.getpid()), "--marker", marker],
                                     start_new_session=True)

    def wait_ready(self, timeout=60.0) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/health", timeout=1.0).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise TimeoutError("server did not become healthy")

    def stop(self) -> None:
        if self.proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.proc.pid, sig)      # the whole group, not just the pid
                    self.proc.wait(5.0)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break


def on_signal(signum, frame):
    raise SystemExit(128 + signum)          # unwinds through every finally: below


KINDS = {"model": 0, "cache": 1, "default": 2}   # how a 200 was answered; 3 = shed, 4 = error


async def send(client, url, i, body, due, record):
    """One request, carrying what is left of the caller's SLA as its deadline."""
    left = SLA_MS - (time.perf_counter() - due) * 1e3
    try:
        r = await client.post(url, content=body, headers={
            "content-type": "application/json", "x-deadline-ms": f"{left:.1f}"})
        if r.status_code == 200:
            kind, score = KINDS[r.headers["x-answer"]], r.json()["score"]
        else:
            kind, score = (3 if r.status_code == 503 else 4), math.nan
    except httpx.HTTPError:
        kind, score = 4, math.nan
    record.append((due, time.perf_counter(), kind, score, i))


async def open_loop(url, bodies, rate, seconds, rng):
    """Poisson arrivals at `rate` per second for `seconds`, whatever the server does.
    The count is fixed at rate * seconds and the times are uniform: a Poisson process
    given its count, so that a short phase offers exactly the load it is meant to."""
    due = np.sort(rng.uniform(0, seconds, round(rate * seconds)))
    start = rng.integers(len(bodies))
    record, tasks = [], []
    limits = httpx.Limits(max_connections=1_000, max_keepalive_connections=1_000)
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as client:
        t0 = time.perf_counter()
        for n, d in enumerate(due):
            if t0 + d > time.perf_counter():
                await asyncio.sleep(t0 + d - time.perf_counter())
            i = (start + n) % len(bodies)
            tasks.append(asyncio.create_task(send(client, url, i, bodies[i], t0 + d, record)))
        await asyncio.wait(tasks, timeout=15.0)
    return np.array(record).reshape(-1, 5), t0, len(due)


def requests_pool(rng, profile, model, n=4_000):
    """Requests from a few popular users and many rare ones (Zipf), with the score
    the model would give each: the yardstick for the fallback answers."""
    popularity = 1 / np.arange(1, N_USERS + 1) ** 1.1
    who = rng.choice(N_USERS, n, p=popularity / popularity.sum())
    X = np.round(profile[who] + SESSION_NOISE * rng.normal(size=(n, N_FEATURES)), 4)
    bodies = [json.dumps({"user": int(u), "x": x.tolist()}) for u, x in zip(who, X)]
    return bodies, model.predict_proba(X)[:, 1]
# Overload: deadlines, fallbacks and load shedding:2 ends here

# [[file:../../primer.org::*Overload: deadlines, fallbacks and load shedding][Overload: deadlines, fallbacks and load shedding:3]]
def experiment(server: Server, bodies, rng) -> dict:
    url, mu = server.url + "/predict", 1e3 / SERVICE_MS

    def use(name):
        limit, deadlines = POLICIES[name]
        httpx.post(server.url + "/admin/policy", params={"limit": limit, "deadlines":
                   deadlines}, timeout=10.0).raise_for_status()

    use("plain")
    asyncio.run(open_loop(url, bodies, 0.5 * mu, 0.5, rng))         # warm-up
    # Two passes in opposite orders, so that a slow spell of the shared machine
    # does not land on one policy only.
    order = [(name, load) for name in POLICIES for load in LOADS]
    runs = {key: [] for key in order}
    for sequence in (order, order[::-1]):
        for name, load in sequence:
            use(name)
            seconds = LOADS[load]
            rec, t0, n = asyncio.run(open_loop(url, bodies, load * mu, seconds, rng))
            stats = httpx.get(server.url + "/admin/stats", timeout=10.0).json()
            runs[(name, load)].append((rec, t0, n, seconds, stats))
    return runs
# Overload: deadlines, fallbacks and load shedding:3 ends here

# [[file:../../primer.org::*Overload: deadlines, fallbacks and load shedding][Overload: deadlines, fallbacks and load shedding:4]]
# --------------------------------------------------------- queueing with a limit
def mm1k_blocking(rho: float, k: int) -> float:
    """Share of arrivals refused by an M/M/1 queue holding at most k requests."""
    if abs(rho - 1) < 1e-9:
        return 1 / (k + 1)
    return (1 - rho) * rho ** k / (1 - rho ** (k + 1))


def md1k_blocking(rho: float, k: int) -> float:
    """The same for a constant service time (M/D/1/K), from the queue length left
    behind at departures: pi_d solves a k-state chain, then P(full) = 1 - 1/(pi_d[0] + rho)."""
    a = np.array([math.exp(-rho) * rho ** j / math.factorial(j) for j in range(k)])
    P = np.zeros((k, k))
    for i in range(k):
        low = max(i - 1, 0)                       # a departure, then the arrivals
        P[i, low:k - 1] = a[:k - 1 - low]
        P[i, k - 1] = 1 - P[i, :k - 1].sum()
    A = np.vstack([P.T - np.eye(k), np.ones(k)])
    pi = np.linalg.lstsq(A, np.r_[np.zeros(k), 1.0], rcond=None)[0]
    return 1 - 1 / (pi[0] + rho)


def pct(values, q):
    return float(np.percentile(values, q)) if len(values) else math.nan


def phase_stats(rec, t0, n, seconds, stats, truth, default) -> dict:
    lat = (rec[:, 1] - rec[:, 0]) * 1e3                   # ms from the due time
    kind, score, i = rec[:, 2], rec[:, 3], rec[:, 4].astype(int)
    model, shed = kind == 0, kind == 3
    fallback = (kind == 1) | (kind == 2)
    answered = model | fallback
    span = rec[:, 1].max() - t0                           # until the last answer
    err = np.abs(score - truth[i])
    return {
        "offered_rps": n / seconds,
        "rho": n / seconds * stats["service_ms"] / 1e3,   # offered / measured capacity
        "service_ms": stats["service_ms"],
        "model_p50_ms": pct(lat[model], 50), "model_p99_ms": pct(lat[model], 99),
        "answered_p99_ms": pct(lat[answered], 99),
        "share_model": model.sum() / n, "share_fallback": fallback.sum() / n,
        "share_shed": shed.sum() / n,
        # the steady state the models describe: once the queue has had time to fill
        "share_shed_settled": shed[rec[:, 0] - t0 >= SETTLE_S].mean(),
        "share_lost": (n - answered.sum() - shed.sum()) / n,   # errors and no answer
        "share_within_sla": (answered & (lat <= SLA_MS)).sum() / n,
        "share_model_in_time": (model & (lat <= SLA_MS)).sum() / n,
        "goodput_rps": (model & (lat <= SLA_MS)).sum() / span,
        "fallback_from_cache": (kind == 1).sum(), "fallback_default": (kind == 2).sum(),
        "fallback_cache_err_sum": err[kind == 1].sum(),
        "fallback_default_err_sum": err[kind == 2].sum(),
        # what the default would have missed by on the requests the cache answered
        "default_instead_of_cache_err_sum": np.abs(default - truth[i[kind == 1]]).sum(),
        "model_max_err": float(err[model].max()) if model.any() else 0.0,
        # every model call the server made reached a caller; none was wasted
        "calls_not_delivered": stats["served"] - model.sum(),
        "server_fallbacks_minus_client": stats["fallback"] - fallback.sum(),
        "skipped_minus_fallbacks": stats["skipped"] - stats["fallback"],
    }
# Overload: deadlines, fallbacks and load shedding:4 ends here

# [[file:../../primer.org::*Overload: deadlines, fallbacks and load shedding][Overload: deadlines, fallbacks and load shedding:5]]
def report(runs: dict, truth, default: float) -> None:
    print(f"sla_ms = {SLA_MS:g}")
    print(f"service_ms_nominal = {SERVICE_MS:g}")
    print(f"queue_limit = {QUEUE_LIMIT}")
    for load, seconds in LOADS.items():
        print(f"phase_s_rho{round(load * 100):03d} = {seconds:g}")
    print(f"blocking_tolerance = {TOLERANCE:g}")
    print(f"settle_s = {SETTLE_S:g}")
    res, per_pass = {}, {}
    for (name, load), phases in runs.items():
        both = [phase_stats(*p, truth, default) for p in phases]
        tag = f"{name}_rho{round(load * 100):03d}"
        res[(name, load)] = mean = {k: float(np.mean([b[k] for b in both])) for k in both[0]}
        per_pass[(name, load)] = both
        for key in ["offered_rps", "rho", "model_p50_ms", "model_p99_ms", "answered_p99_ms",
                    "share_model", "share_fallback", "share_shed", "share_shed_settled",
                    "share_lost",
                    "share_within_sla", "goodput_rps"]:
            print(f"{tag}_{key} = {mean[key]:.4g}")
        for key in ["model_p99_ms", "share_shed", "share_fallback", "goodput_rps"]:
            spread = abs(both[0][key] - both[1][key]) / 2
            print(f"{tag}_{key}_spread = {spread:.3g}")
    every = [b for both in per_pass.values() for b in both]
    service = np.mean([b["service_ms"] for b in every])
    print(f"service_ms_measured = {service:.2f}")
    print(f"capacity_rps = {1e3 / service:.0f}")
    print(f"calls_not_delivered = {sum(b['calls_not_delivered'] for b in every):.0f}")
    print(f"server_fallbacks_minus_client = "
          f"{sum(b['server_fallbacks_minus_client'] for b in every):.0f}")
    print(f"skipped_minus_fallbacks = {sum(b['skipped_minus_fallbacks'] for b in every):.0f}")
    print(f"model_answer_max_abs_error = {max(b['model_max_err'] for b in every):.2g}")
    # The refusal rate against the queueing models, at each pass's own offered load.
    for load in LOADS:
        tag = f"rho{round(load * 100):03d}"
        rho = res[("shed", load)]["rho"]
        print(f"shed_{tag}_mm1k_blocking = {mm1k_blocking(rho, QUEUE_LIMIT):.3f}")
        print(f"shed_{tag}_md1k_blocking = {md1k_blocking(rho, QUEUE_LIMIT):.3f}")
        print(f"shed_{tag}_fluid_blocking = {max(0.0, 1 - 1 / rho):.3f}")
        gap = max(abs(b["share_shed_settled"] - md1k_blocking(b["rho"], QUEUE_LIMIT))
                  for b in per_pass[("shed", load)])
        print(f"shed_{tag}_max_gap_to_md1k = {gap:.3f}")
    over = {name: res[(name, 2.0)] for name in POLICIES}
    print(f"plain_p99_over_sla = {over['plain']['model_p99_ms'] / SLA_MS:.1f}")
    print(f"shed_p99_over_sla = {over['shed']['model_p99_ms'] / SLA_MS:.2f}")
    print(f"deadline_answered_p99_over_sla = {over['deadline']['answered_p99_ms'] / SLA_MS:.2f}")
    print(f"goodput_shed_over_plain = {over['shed']['goodput_rps'] / over['plain']['goodput_rps']:.1f}")
    print(f"goodput_deadline_over_plain = "
          f"{over['deadline']['goodput_rps'] / over['plain']['goodput_rps']:.1f}")
    fb = per_pass[("deadline", 2.0)]
    n_cache, n_default = (sum(b[f"fallback_{k}"] for b in fb) for k in ("from_cache", "default"))
    print(f"fallback_share_from_cache = {n_cache / max(n_cache + n_default, 1):.2f}")
    print(f"fallback_cache_mean_abs_error = "
          f"{sum(b['fallback_cache_err_sum'] for b in fb) / max(n_cache, 1):.3f}")
    print(f"default_instead_of_cache_mean_abs_error = "
          f"{sum(b['default_instead_of_cache_err_sum'] for b in fb) / max(n_cache, 1):.3f}")
    print(f"fallback_default_mean_abs_error = "
          f"{sum(b['fallback_default_err_sum'] for b in fb) / max(n_default, 1):.3f}")
    draw(res, per_pass)


def draw(res, per_pass) -> None:
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(14, 4))
    names, width = list(POLICIES), 0.38
    for j, load in enumerate(LOADS):
        x = np.arange(len(names)) + (j - 0.5) * width
        a.bar(x, [res[(n, load)]["model_p99_ms"] for n in names], width,
              color=["#6a9a4a", "#b5523b"][j], label=f"offered {load:g}x capacity")
        for k, n in enumerate(names):
            a.plot([x[k]] * 2, [p["model_p99_ms"] for p in per_pass[(n, load)]], "o",
                   color="#333333", ms=3)
    a.axhline(SLA_MS, color="#222222", ls="--", lw=1, label=f"SLA {SLA_MS:g} ms")
    a.set_yscale("log")
    a.set_xticks(range(len(names)), ["no protection", f"shed (K={QUEUE_LIMIT})",
                                     "deadline + fallback"])
    a.set_ylabel("p99 of model answers, ms (log)")
    a.set_title("Tail latency of the answers the model gave", fontsize=10)
    a.legend(fontsize=7)
    parts = [("model, within SLA", "#4a7a96"), ("model, late", "#b5523b"),
             ("fallback", "#c98f3b"), ("shed (503)", "#999999")]
    bottom = np.zeros(len(names))
    shares = []
    for n in names:
        r = res[(n, 2.0)]
        ok = r["share_model_in_time"]
        shares.append([ok, r["share_model"] - ok, r["share_fallback"], r["share_shed"]])
    shares = np.array(shares)
    for col, (label, colour) in enumerate(parts):
        b.bar(range(len(names)), shares[:, col], 0.6, bottom=bottom, color=colour, label=label)
        bottom += shares[:, col]
    b.set_xticks(range(len(names)), ["no protection", "shed", "deadline\n+ fallback"])
    b.set_ylabel("share of requests")
    b.set_title("What the requests got at 2x capacity", fontsize=10)
    b.set_ylim(0, 1.3)
    b.set_yticks(np.linspace(0, 1, 6))
    b.legend(fontsize=7, loc="upper center", ncol=2)
    grid = np.linspace(0.2, 3.0, 100)
    c.plot(grid, [mm1k_blocking(r, QUEUE_LIMIT) for r in grid], "k--", lw=1,
           label=f"M/M/1/K, K={QUEUE_LIMIT}")
    c.plot(grid, [md1k_blocking(r, QUEUE_LIMIT) for r in grid], "k:", lw=1, label="M/D/1/K")
    c.plot(grid, np.maximum(0, 1 - 1 / grid), color="#999999", lw=1, label="$1 - 1/\\rho$")
    for load in LOADS:
        p = per_pass[("shed", load)]
        c.plot([q["rho"] for q in p], [q["share_shed"] for q in p], "o", color="#b5523b",
               mfc="none", label="measured, whole phase" if load == min(LOADS) else None)
        c.plot([q["rho"] for q in p], [q["share_shed_settled"] for q in p], "o",
               color="#b5523b", label=f"measured, after {SETTLE_S:g} s"
               if load == min(LOADS) else None)
    c.set_xlabel(r"offered load / measured capacity, $\rho$")
    c.set_ylabel("share of requests refused")
    c.set_title("Shedding refuses about $1 - 1/\\rho$", fontsize=10)
    c.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(IMG / "overload_shedding.png", dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", nargs=2, metavar=("PORT", "PARENT"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-only", action="store_true")
    parser.add_argument("--marker", default="overload-shedding")  # lets tests find our processes
    args = parser.parse_args()
    if args.server:
        run_server(int(args.server[0]), int(args.server[1]))
        return
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    IMG.mkdir(parents=True, exist_ok=True)
    server = Server(args.marker)
    atexit.register(server.stop)                 # also on exceptions and SystemExit
    try:
        model, default, profile = train()        # the server trains the same model
        bodies, truth = requests_pool(np.random.default_rng(1), profile, model)
        print(f"server_start_s = {server.wait_ready():.2f}")
        if args.serve_only:
            print(f"serving {server.url} (pid {server.proc.pid}); Ctrl-C stops it", flush=True)
            while server.proc.poll() is None:
                time.sleep(0.5)
            return
        report(experiment(server, bodies, np.random.default_rng(2)), truth, default)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
# Overload: deadlines, fallbacks and load shedding:5 ends here
