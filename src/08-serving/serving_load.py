# [[file:../../primer.org::*The service under load][The service under load:1]]
"""A prediction service under load: FastAPI + uvicorn serving a scikit-learn artifact,
an open-loop (Poisson) and a closed-loop load generator, and the queueing model.

The script trains a model, saves it as a versioned artifact in its working directory,
starts the service as a subprocess on 127.0.0.1 (a free port), sends it bad input,
then measures latency and throughput at a range of offered loads.  The server is
stopped on every exit path: normal end, an exception, SIGTERM/SIGINT (handler +
process-group kill) and SIGKILL of this script (the server watches its parent).
  python serving_load.py                  the whole experiment
  python serving_load.py --serve-only     start the service and keep it up (Ctrl-C stops it)
"""
import argparse
import asyncio
import atexit
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

import httpx
import joblib
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import sklearn
import uvicorn
from fastapi import FastAPI, Response
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge,
                               Histogram, generate_latest)
from pydantic import BaseModel, ConfigDict, Field
from sklearn.ensemble import RandomForestClassifier
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
MAX_BATCH = 64                     # rows per request the service accepts
FEATURES = ["age", "sessions_7d", "minutes_since_last", "basket_value"]
STALL_EVERY_S, STALL_MS = 0.8, 300  # injected pause in the coordinated-omission test
STALL_RUN_S = 2.5                   # seconds each generator runs against the pauses
MODEL_PAD_MS = 6                    # fixed, CPU-free part of each request's service time
LOADS = [0.2, 0.5, 0.85, 0.95, 2.0]        # offered load / measured capacity
PHASE_S = 1.0                      # seconds of arrivals per load and pass ...
OVERLOAD_S = 0.6                   # ... but less above capacity: the queue takes as long to drain
SEEN = {}                          # status code -> responses the client received


# ---------------------------------------------------------------- the service
class Row(BaseModel):
    """One user's features.  Unknown fields, NaN and infinity are refused."""
    model_config = ConfigDict(extra="forbid")
    age: float = Field(ge=13, le=120, allow_inf_nan=False)
    sessions_7d: int = Field(ge=0, le=10_000)
    minutes_since_last: float = Field(ge=0, allow_inf_nan=False)
    basket_value: float = Field(ge=0, allow_inf_nan=False)
    device: Literal["ios", "android", "web"]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[Row] = Field(min_length=1, max_length=MAX_BATCH)


def build_app(artifact_dir: Path) -> FastAPI:
    registry = CollectorRegistry()
    requests_total = Counter("predict_requests", "predictions served", ["status"],
                             registry=registry)
    model_seconds = Histogram("predict_model_seconds", "time in the model per request",
                              buckets=[.001, .002, .005, .01, .02, .05, .1, .2, .5, 1],
                              registry=registry)
    in_flight = Gauge("predict_in_flight", "requests inside the handler", registry=registry)
    state = {"stall_every_s": 0.0, "stall_s": 0.0, "last_stall": time.perf_counter(),
             "stalls": 0}

    @asynccontextmanager
    async def lifespan(app):
        meta = json.loads((artifact_dir / "metadata.json").read_text())
        if meta["sklearn_version"] != sklearn.__version__:
            raise RuntimeError(f"artifact built with scikit-learn {meta['sklearn_version']}")
        state["model"] = joblib.load(artifact_dir / "model.joblib")
        state["meta"] = meta
        yield
        state.clear()

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def refused(request, exc):
        # 422 naming each bad field.  FastAPI's stock handler also echoes the bad
        # input back, and a NaN in it makes that reply invalid JSON: a 500.
        requests_total.labels(status="422").inc()
        detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
                  for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.get("/health")
    async def health():
        return {"status": "ok", "model_version": state["meta"]["version"]}

    @app.get("/metrics")
    async def metrics():
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.post("/admin/stall")
    async def stall(every_s: float = 0.0, ms: float = 0.0):
        """Fault injection for the experiment: block the server for `ms` once every
        `every_s` seconds, like a garbage-collection pause.  Not for production.
        Each call restarts the clock and answers how many pauses the last setting made."""
        done = state["stalls"]
        state.update(stall_every_s=every_s, stall_s=ms / 1e3, last_stall=time.perf_counter(),
                     stalls=0)
        return {"every_s": every_s, "ms": ms, "pauses_before": done}

    @app.post("/predict")
    async def predict(req: PredictRequest, response: Response):
        # A plain (blocking) call on purpose: one worker serves one request at a time,
        # the single-server queue the capacity section models.
        start = time.perf_counter()
        with in_flight.track_inprogress():
            if state["stall_s"] and start - state["last_stall"] > state["stall_every_s"]:
                time.sleep(state["stall_s"])
                state["last_stall"] = time.perf_counter()
                state["stalls"] += 1
            X = np.array([[getattr(r, f) for f in FEATURES] + [r.device == "ios",
                                                               r.device == "web"]
                          for r in req.rows], dtype=float)
            p = state["model"].predict_proba(X)[:, 1]
            # A stand-in for a heavier model: a fixed wait that other jobs on the
            # machine cannot stretch, so the capacity stays put while they run.
            time.sleep(MODEL_PAD_MS / 1e3)
        took = time.perf_counter() - start
        model_seconds.observe(took)
        requests_total.labels(status="200").inc()
        response.headers["x-model-ms"] = f"{took * 1e3:.3f}"
        return {"model_version": state["meta"]["version"], "scores": p.round(6).tolist()}

    return app


def watch_parent(parent: int) -> None:
    """Exit when the process that started us is gone (it was SIGKILLed, say)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def run_server(port: int, artifact_dir: Path, parent: int) -> None:
    threadpool_limits(1)
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    # The server keeps an idle connection open longer than the client's pool keeps
    # it (httpx: 5 s).  With equal timeouts a request sent on a connection the server
    # is closing at that moment is lost: the classic keep-alive race.
    uvicorn.run(build_app(artifact_dir), host="127.0.0.1", port=port,
                log_level="warning", access_log=False, timeout_keep_alive=30)
# The service under load:1 ends here

# [[file:../../primer.org::*The service under load][The service under load:2]]
# ------------------------------------------------------- training and the driver
def make_users(rng, n):
    """Synthetic users: will they buy in this session?"""
    age = rng.uniform(16, 80, n)
    sessions = rng.poisson(3, n)
    minutes = rng.exponential(600, n)
    basket = rng.gamma(2, 20, n)
    device = rng.choice(["ios", "android", "web"], n, p=[0.4, 0.4, 0.2])
    logit = (0.4 * np.log1p(sessions) - 0.002 * minutes ** 0.8 + 0.02 * basket
             - 0.01 * np.abs(age - 35) + 0.4 * (device == "ios") - 1.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = np.column_stack([age, sessions, minutes, basket, device == "ios", device == "web"])
    rows = [{"age": round(float(a), 1), "sessions_7d": int(s), "minutes_since_last":
             round(float(m), 1), "basket_value": round(float(b), 2), "device": str(d)}
            for a, s, m, b, d in zip(age, sessions, minutes, basket, device)]
    return X.astype(float), y, rows


def train_and_register(folder: Path, rng) -> Path:
    X, y, _ = make_users(rng, 4_000)
    model = RandomForestClassifier(n_estimators=60, max_depth=10, random_state=0,
                                   n_jobs=1).fit(X, y)
    version_dir = folder / "purchase" / "1"
    version_dir.mkdir(parents=True)
    joblib.dump(model, version_dir / "model.joblib")
    (version_dir / "metadata.json").write_text(json.dumps({
        "name": "purchase", "version": 1, "sklearn_version": sklearn.__version__,
        "features": FEATURES + ["device"], "training_rows": len(y)}, indent=2))
    return version_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The service as a child process in its own process group."""

    def __init__(self, artifact_dir: Path, marker: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--server", str(self.port), str(artifact_dir),
             str(os.getpid()), "--marker", marker], start_new_session=True)

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
            for sig, wait in [(signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)]:
                try:
                    os.killpg(self.proc.pid, sig)      # the whole group, not just the pid
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break


def on_signal(signum, frame):
    raise SystemExit(128 + signum)          # unwinds through every finally: below
# The service under load:2 ends here

# [[file:../../primer.org::*The service under load][The service under load:3]]
def bad_input_battery(url: str, good: dict) -> None:
    """Each bad request must get a 4xx that names what was wrong, never a 500."""
    def without(key):
        return {k: v for k, v in good.items() if k != key}
    cases = {
        "missing_field": ("age", json.dumps({"rows": [without("age")]})),
        "wrong_type": ("sessions_7d", json.dumps({"rows": [{**good, "sessions_7d": "many"}]})),
        "nan": ("basket_value", '{"rows": [%s]}' % json.dumps({**good, "basket_value": float("nan")})),
        "out_of_range": ("age", json.dumps({"rows": [{**good, "age": -3}]})),
        "unknown_category": ("device", json.dumps({"rows": [{**good, "device": "fax"}]})),
        "extra_field": ("user_id", json.dumps({"rows": [{**good, "user_id": 7}]})),
        "oversized_batch": ("rows", json.dumps({"rows": [good] * (MAX_BATCH + 1)})),
        "empty_batch": ("rows", json.dumps({"rows": []})),
        "malformed_json": ("json", '{"rows": [{"age": 31,'),
    }
    for case, (field, body) in cases.items():
        r = httpx.post(url + "/predict", content=body, timeout=10.0,
                       headers={"content-type": "application/json"})
        SEEN[r.status_code] = SEEN.get(r.status_code, 0) + 1
        print(f"bad_input_{case}_status = {r.status_code}")
        print(f"bad_input_{case}_names_field = {int(field in r.text)}")
    r = httpx.post(url + "/predict", json={"rows": [good]}, timeout=10.0)
    SEEN[r.status_code] = SEEN.get(r.status_code, 0) + 1
    print(f"good_input_status = {r.status_code}")
    # Why the service has its own handler: the stock one echoes the input, NaN included.
    exc = RequestValidationError([{"loc": ("body", "rows", 0, "basket_value"), "msg": "finite",
                                   "type": "finite_number", "input": float("nan")}])
    try:
        asyncio.run(request_validation_exception_handler(None, exc))
        stock_ok = 1
    except ValueError:                      # "Out of range float values are not JSON compliant"
        stock_ok = 0
    print(f"stock_handler_survives_nan = {stock_ok}")
    print(f"health_after_bad_input = {httpx.get(url + '/health', timeout=10.0).status_code}")
# The service under load:3 ends here

# [[file:../../primer.org::*The service under load][The service under load:4]]
async def send(client, url, body, record, intended):
    """One request; its latency runs from the moment it was due to be sent."""
    try:
        r = await client.post(url, content=body, headers={"content-type": "application/json"})
        status, model_ms = r.status_code, float(r.headers.get("x-model-ms", "nan"))
    except httpx.TimeoutException:
        status, model_ms = -1, math.nan     # no answer within the client's 10 s
    except httpx.HTTPError:
        status, model_ms = 0, math.nan      # refused, reset or closed under the request
    record.append((intended, time.perf_counter(), status, model_ms))
    SEEN[status] = SEEN.get(status, 0) + 1


async def open_loop(url, bodies, rate, seconds, max_requests, rng):
    """Poisson arrivals at `rate` per second, whatever the server does: bounded by
    `seconds` and `max_requests`.  Samples the number outstanding every 5 ms."""
    due = np.cumsum(rng.exponential(1 / rate, max_requests))
    due = due[due < seconds]
    record, samples, tasks = [], [], []
    limits = httpx.Limits(max_connections=1_000, max_keepalive_connections=1_000)
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as client:
        t0 = time.perf_counter()

        async def sampler():
            # outstanding = requests already due minus requests answered, and when
            # (the loop wakes late when it is busy, so the instants are kept)
            while True:
                now = time.perf_counter()
                due_now = np.searchsorted(due, now - t0, side="right")
                samples.append((now, due_now - len(record)))
                await asyncio.sleep(0.005)
        watcher = asyncio.create_task(sampler())
        for i, d in enumerate(due):
            delay = t0 + d - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(
                send(client, url, bodies[i % len(bodies)], record, t0 + d)))
        await asyncio.wait(tasks, timeout=15.0)
        watcher.cancel()
    return np.array(record).reshape(-1, 4), np.array(samples), t0


async def closed_loop(url, bodies, users, seconds):
    """`users` clients, each sending its next request when the last one returns."""
    record = []
    async with httpx.AsyncClient(timeout=10.0) as client:
        t0 = time.perf_counter()

        async def user(u):
            i = u
            while time.perf_counter() - t0 < seconds:
                await send(client, url, bodies[i % len(bodies)], record, time.perf_counter())
                i += users
        await asyncio.gather(*(user(u) for u in range(users)))
    return np.array(record).reshape(-1, 4), t0


async def paced_closed_loop(url, bodies, rate, seconds):
    """One client on a fixed schedule that waits for each answer before sending the
    next, as many benchmark tools do: a late answer delays the following requests.
    Returns latencies from the actual send and from the scheduled send."""
    record = []
    async with httpx.AsyncClient(timeout=10.0) as client:
        t0 = time.perf_counter()
        for i in range(int(rate * seconds)):
            due = t0 + i / rate
            if due > time.perf_counter():
                await asyncio.sleep(due - time.perf_counter())
            sent = time.perf_counter()
            await send(client, url, bodies[i % len(bodies)], record, sent)
            record[-1] = record[-1] + (due,)
    rec = np.array(record)
    return rec[:, 1] - rec[:, 0], rec[:, 1] - rec[:, 4]
# The service under load:4 ends here

# [[file:../../primer.org::*The service under load][The service under load:5]]
def saturate(url, bodies) -> float:
    """Capacity: eight clients that never wait keep the single worker busy.  Other
    work on the machine can only lower it, so the best of three short runs counts."""
    best = 0.0
    for _ in range(3):
        sat, t0 = asyncio.run(closed_loop(url, bodies, users=8, seconds=0.4))
        best = max(best, len(sat) / (sat[:, 1].max() - t0))
    return best


def experiment(server: Server, rows: list, rng) -> dict:
    url = server.url + "/predict"
    bodies = [json.dumps({"rows": [r]}) for r in rows]
    bad_input_battery(server.url, rows[0])
    asyncio.run(closed_loop(url, bodies, users=2, seconds=0.3))          # warm-up
    before = saturate(url, bodies)
    # Two passes over the offered loads, up and then down, so that a slow spell
    # of the (shared) machine does not masquerade as a trend in the load.
    passes = []
    for order in [LOADS, LOADS[::-1]]:
        runs = {}
        for rho in order:
            rate = rho * before
            seconds = PHASE_S if rho < 1 else OVERLOAD_S
            runs[rho] = asyncio.run(open_loop(url, bodies, rate, seconds,
                                              int(rate * seconds) + 50, rng)) + (seconds,)
        passes.append(runs)
    after = saturate(url, bodies)
    # Coordinated omission: the same pauses, measured by two kinds of generator.
    # The pause clock restarts with each run, so both runs see the same number of
    # pauses at the same moments (at 0.8 s and about 1.9 s of the 2.5 s).
    stall = dict(every_s=STALL_EVERY_S, ms=STALL_MS)
    httpx.post(server.url + "/admin/stall", params=stall)
    paced, corrected = asyncio.run(paced_closed_loop(url, bodies, 0.4 * before, STALL_RUN_S))
    pauses = [httpx.post(server.url + "/admin/stall", params=stall).json()["pauses_before"]]
    rec, _, _ = asyncio.run(open_loop(url, bodies, 0.4 * before, STALL_RUN_S,
                                      int(before * 2) + 50, rng))
    pauses.append(httpx.post(server.url + "/admin/stall",
                             params={"every_s": 0, "ms": 0}).json()["pauses_before"])
    stalled = {"closed loop": paced, "closed loop, from schedule": corrected,
               "open loop": rec[:, 1] - rec[:, 0]}
    return {"capacity": (before, after), "passes": passes, "stalled": stalled,
            "pauses": pauses}
# The service under load:5 ends here

# [[file:../../primer.org::*The service under load][The service under load:6]]
def phase_stats(rec, samples, t0, seconds):
    """Latency percentiles, throughput and both sides of Little's law for one phase."""
    ok = rec[:, 2] == 200
    lat = (rec[:, 1] - rec[:, 0]) * 1e3                 # ms, from the due time
    span = rec[:, 1].max() - t0                         # until the last answer
    lam = len(rec) / seconds                            # offered arrivals per second
    p50, p95, p99 = np.percentile(lat[ok], [50, 95, 99])
    return {"offered_rps": lam, "achieved_rps": ok.sum() / span, "p50_ms": p50,
            "p95_ms": p95, "p99_ms": p99, "mean_ms": lat.mean(),
            # the time average of the sampled count, by the trapezoid rule: a sample
            # taken just before the busy loop stalls does not stand for the whole stall
            "little_L_sampled": np.trapezoid(samples[:, 1], samples[:, 0])
            / (samples[-1, 0] - samples[0, 0]),
            "little_lambda_W": len(rec) / span * lat.mean() / 1e3,
            "not_ok": float((~ok).sum())}


def report(res: dict, server: Server) -> None:
    before, after = res["capacity"]
    mu = before
    print(f"phase_s = {PHASE_S:g}")
    print(f"overload_phase_s = {OVERLOAD_S:g}")
    print(f"stall_ms = {STALL_MS:g}")
    print(f"stall_every_s = {STALL_EVERY_S:g}")
    print(f"stall_run_s = {STALL_RUN_S:g}")
    print(f"capacity_before_rps = {before:.0f}")
    print(f"capacity_after_rps = {after:.0f}")
    print(f"mean_service_ms = {1e3 / mu:.1f}")
    stats = {rho: [phase_stats(*p[rho]) for p in res["passes"]] for rho in LOADS}
    table, little, light = [], [], []
    for rho in LOADS:
        both = stats[rho]
        mean = {k: np.mean([b[k] for b in both]) for k in both[0]}
        # Little's law is checked where the queue is long enough to sample: with
        # under two requests outstanding on average, a count taken every 5 ms (or
        # later, when the loop is busy) is too coarse to pin L to a few per cent.
        for b in both:
            (little if b["little_lambda_W"] >= 2 else light).append(
                (b["little_L_sampled"], b["little_lambda_W"]))
        mm1 = 1e3 / mu / (1 - rho) if rho < 1 else math.nan              # M/M/1 mean
        md1 = 1e3 / mu * (1 + rho / (2 * (1 - rho))) if rho < 1 else math.nan  # M/D/1
        tag = f"rho{round(rho * 100):03d}"
        for key in ["offered_rps", "achieved_rps", "p50_ms", "p95_ms", "p99_ms", "mean_ms"]:
            print(f"{tag}_{key} = {mean[key]:.4g}")
        print(f"{tag}_p99_ms_pass_spread = {abs(both[0]['p99_ms'] - both[1]['p99_ms']) / 2:.3g}")
        print(f"{tag}_mm1_mean_ms = {mm1:.4g}")
        print(f"{tag}_md1_mean_ms = {md1:.4g}")
        print(f"{tag}_not_ok = {sum(b['not_ok'] for b in both):.0f}")
        table.append([rho, mean["offered_rps"], mean["achieved_rps"], mean["p50_ms"],
                      mean["p95_ms"], mean["p99_ms"], mean["mean_ms"], mm1, md1,
                      both[0]["p99_ms"], both[1]["p99_ms"]])
    t = np.array(table)
    lo, hi, over = 0, LOADS.index(0.95), len(LOADS) - 1
    print(f"little_phases_checked = {len(little)}")
    print(f"little_ratio_min = {min(L / lw for L, lw in little):.3f}")
    print(f"little_ratio_max = {max(L / lw for L, lw in little):.3f}")
    print(f"little_light_phases = {len(light)}")
    pooled = sum(L for L, _ in light) / sum(w for _, w in light) if light else math.nan
    print(f"little_light_ratio_pooled = {pooled:.3f}")
    print(f"p99_ratio_rho095_vs_rho020 = {t[hi, 5] / t[lo, 5]:.1f}")
    print(f"mean_ratio_rho095_vs_rho020 = {t[hi, 6] / t[lo, 6]:.1f}")
    print(f"mm1_mean_ratio_rho095_vs_rho020 = {t[hi, 7] / t[lo, 7]:.1f}")
    print(f"md1_mean_ratio_rho095_vs_rho020 = {t[hi, 8] / t[lo, 8]:.1f}")
    print(f"achieved_over_offered_rho050 = {t[1, 2] / t[1, 1]:.2f}")
    print(f"overload_achieved_over_offered = {t[over, 2] / t[over, 1]:.2f}")
    print(f"overload_p99_over_rho020_p99 = {t[over, 5] / t[lo, 5]:.0f}")
    stable = t[:-1]
    print(f"mean_over_mm1_min = {np.min(stable[:, 6] / stable[:, 7]):.2f}")
    print(f"mean_over_mm1_max = {np.max(stable[:, 6] / stable[:, 7]):.2f}")
    print(f"overload_mean_over_rho095_mean = {t[over, 6] / t[hi, 6]:.1f}")

    # Coordinated omission: the same server pauses, seen by two generators.
    stalled = {k: np.asarray(v) * 1e3 for k, v in res["stalled"].items()}
    for key, name in [("closed", "closed loop"), ("corrected", "closed loop, from schedule"),
                      ("open", "open loop")]:
        lat = stalled[name]
        print(f"stall_{key}_requests = {len(lat)}")
        print(f"stall_{key}_p50_ms = {np.percentile(lat, 50):.1f}")
        print(f"stall_{key}_p90_ms = {np.percentile(lat, 90):.1f}")
        print(f"stall_{key}_p99_ms = {np.percentile(lat, 99):.1f}")
        print(f"stall_{key}_share_over_100ms = {np.mean(lat > 100):.3f}")
    print(f"stall_pauses_closed_run = {res['pauses'][0]}")
    print(f"stall_pauses_open_run = {res['pauses'][1]}")
    print(f"stall_share_time_paused = {np.mean(res['pauses']) * STALL_MS / 1e3 / STALL_RUN_S:.2f}")

    # The server's own count, scraped from /metrics, against what the client saw.
    text = httpx.get(server.url + "/metrics", timeout=10.0).text
    counted = {line.split('"')[1]: float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("predict_requests_total{")}
    print(f"metrics_200 = {counted.get('200', 0):.0f}")
    print(f"client_200 = {SEEN.get(200, 0)}")
    print(f"metrics_422 = {counted.get('422', 0):.0f}")
    print(f"client_422 = {SEEN.get(422, 0)}")
    print(f"client_5xx = {sum(n for code, n in SEEN.items() if code >= 500)}")
    print(f"client_failed_connections = {SEEN.get(0, 0)}")
    print(f"client_timeouts = {SEEN.get(-1, 0)}")
    draw(t, mu, stalled)
# The service under load:6 ends here

# [[file:../../primer.org::*The service under load][The service under load:7]]
def draw(t, mu, stalled) -> None:
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(14, 4))
    rho = t[:, 0]
    for col, label, style in [(3, "p50", "o-"), (4, "p95", "s-"), (5, "p99", "^-"),
                              (6, "mean", "d:")]:
        a.plot(rho, t[:, col], style, label=f"measured {label}")
    a.plot(rho, t[:, 9], "^", color="#999999", ms=3, label="p99, each pass")
    a.plot(rho, t[:, 10], "^", color="#999999", ms=3)
    grid = np.linspace(0.05, 0.97, 60)
    a.plot(grid, 1e3 / mu / (1 - grid), "k--", lw=1, label="M/M/1 mean")
    a.plot(grid, 1e3 / mu * (1 + grid / (2 * (1 - grid))), "k:", lw=1, label="M/D/1 mean")
    a.set_yscale("log")
    a.set_xlabel("offered load / measured capacity")
    a.set_ylabel("latency, ms (log)")
    a.set_title("Latency against offered load")
    a.legend(fontsize=7)
    b.plot(t[:, 1], t[:, 2], "o-", color="#4a7a96", label="achieved")
    b.plot(t[:, 1], t[:, 1], "--", color="#999999", label="offered = achieved")
    b.axhline(mu, color="#b5523b", ls=":", label="capacity (saturation test)")
    b.set_xlabel("offered requests per second")
    b.set_ylabel("answered requests per second")
    b.set_title("Throughput flattens at capacity")
    b.legend(fontsize=7)
    for name, lat in stalled.items():
        x = np.sort(lat)
        c.plot(x, 1 - np.arange(len(x)) / len(x), label=name)
    c.set_xscale("log")
    c.set_yscale("log")
    c.set_xlabel("latency, ms (log)")
    c.set_ylabel("share of requests slower (log)")
    c.set_title(f"A {STALL_MS:g} ms pause every {STALL_EVERY_S:g} s, two ways to measure")
    c.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(IMG / "serving_load.png", dpi=120)
# The service under load:7 ends here

# [[file:../../primer.org::*The service under load][The service under load:8]]
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", nargs=3, metavar=("PORT", "ARTIFACT", "PARENT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--serve-only", action="store_true")
    parser.add_argument("--marker", default="serving-load")  # lets tests find our processes
    args = parser.parse_args()
    if args.server:
        port, artifact, parent = args.server
        run_server(int(port), Path(artifact), int(parent))
        return
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    IMG.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="serving-", dir="."))
    artifact_dir = train_and_register(work, rng)
    server = Server(artifact_dir, args.marker)
    atexit.register(server.stop)                 # also on exceptions and SystemExit
    try:
        print(f"server_start_s = {server.wait_ready():.2f}")
        if args.serve_only:
            print(f"serving {server.url} (pid {server.proc.pid}); Ctrl-C stops it", flush=True)
            while server.proc.poll() is None:
                time.sleep(0.5)
            return
        _, _, rows = make_users(np.random.default_rng(1), 500)
        report(experiment(server, rows, rng), server)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
# The service under load:8 ends here
