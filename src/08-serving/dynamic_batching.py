# [[file:../../primer.org::*Dynamic batching][Dynamic batching:1]]
"""Dynamic batching in a prediction service: requests wait in a queue until either
`max_batch` of them are there or the oldest has waited `max_wait_ms`, and the model
scores them in one call.  Throughput and tail latency for several settings.

The service (FastAPI + uvicorn, one worker) runs as a subprocess on 127.0.0.1 and is
stopped on every exit path, as in serving_load.py.  The batching setting is changed
through an admin endpoint between measurements, so the server starts only once.
"""
import argparse
import asyncio
import json
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

import httpx
import joblib
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field
from sklearn.ensemble import RandomForestClassifier
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
N_FEATURES = 8
SETTINGS = [(1, 0.0), (4, 2.0), (16, 5.0), (64, 15.0)]   # (max_batch, max_wait_ms)
SLA_P99_MS = 250.0
HEAVY = 2.0                        # heavy load, as a multiple of the unbatched capacity
HEAVY_S, LIGHT_S = 1.0, 2.0        # seconds of arrivals at heavy and at light load
CALL_PAD_MS = 12.0                 # fixed cost of one model call, CPU-free (the "device")


class Row(BaseModel):
    x: list[float] = Field(min_length=N_FEATURES, max_length=N_FEATURES)


def build_app(artifact: Path) -> FastAPI:
    state = {"max_batch": 1, "max_wait": 0.0, "batches": 0, "rows": 0, "waited": 0.0}
    queue: asyncio.Queue = asyncio.Queue()

    async def batcher():
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]                  # wait for the first request
            deadline = loop.time() + state["max_wait"]
            while len(batch) < state["max_batch"]:
                if not queue.empty():                    # already waiting: take it
                    batch.append(queue.get_nowait())
                    continue
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:                                     # or wait, until the deadline
                    batch.append(await asyncio.wait_for(queue.get(), left))
                except TimeoutError:
                    break
            closed = time.perf_counter()
            X = np.array([x for x, _, _ in batch])
            scores = state["model"].predict_proba(X)[:, 1]   # one call for the batch
            await asyncio.sleep(CALL_PAD_MS / 1e3)           # the device, once per call
            state["batches"] += 1
            state["rows"] += len(batch)
            state["waited"] += sum(closed - queued for _, _, queued in batch)
            for (_, future, _), s in zip(batch, scores):
                if not future.done():
                    future.set_result(float(s))

    @asynccontextmanager
    async def lifespan(app):
        state["model"] = joblib.load(artifact)
        task = asyncio.create_task(batcher())
        yield
        task.cancel()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.post("/admin/batching")
    async def configure(max_batch: int = 1, max_wait_ms: float = 0.0):
        state.update(max_batch=max_batch, max_wait=max_wait_ms / 1e3, batches=0, rows=0,
                     waited=0.0)
        return {"max_batch": max_batch, "max_wait_ms": max_wait_ms}

    @app.get("/admin/stats")
    async def stats():
        return {"batches": state["batches"], "rows": state["rows"],
                "mean_wait_ms": state["waited"] / max(state["rows"], 1) * 1e3}

    @app.post("/predict")
    async def predict(row: Row):
        future = asyncio.get_running_loop().create_future()
        await queue.put((row.x, future, time.perf_counter()))
        return {"score": await future}

    return app


def watch_parent(parent: int) -> None:
    """Exit when the process that started us is gone (it was SIGKILLed, say)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def run_server(port: int, artifact: Path, parent: int) -> None:
    threadpool_limits(1)
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    # idle connections outlive the client pool's 5 s, so none closes under a request
    uvicorn.run(build_app(artifact), host="127.0.0.1", port=port, log_level="warning",
                access_log=False, timeout_keep_alive=30)
# Dynamic batching:1 ends here

# [[file:../../primer.org::*Dynamic batching][Dynamic batching:2]]
# ------------------------------------------------------------------ the driver
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        except ProcessLookupError:
            pass


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


async def send(client, url, body, record, intended):
    try:
        status = (await client.post(url, content=body,
                                    headers={"content-type": "application/json"})).status_code
    except httpx.HTTPError:
        status = 0
    record.append((intended, time.perf_counter(), status))


async def open_loop(url, bodies, rate, seconds, rng):
    """Poisson arrivals at `rate` per second for `seconds`; latency from the due time."""
    due = np.cumsum(rng.exponential(1 / rate, int(rate * seconds * 2) + 20))
    due = due[due < seconds]
    record, tasks = [], []
    limits = httpx.Limits(max_connections=1_000, max_keepalive_connections=1_000)
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as client:
        t0 = time.perf_counter()
        for i, d in enumerate(due):
            if t0 + d > time.perf_counter():
                await asyncio.sleep(t0 + d - time.perf_counter())
            tasks.append(asyncio.create_task(send(client, url, bodies[i % len(bodies)],
                                                  record, t0 + d)))
        await asyncio.wait(tasks, timeout=15.0)
    rec = np.array(record)
    return rec, t0


async def saturate(url, bodies, users, seconds):
    """`users` clients that never wait: the most the server can answer per second."""
    record = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as client:
        t0 = time.perf_counter()

        async def user(u):
            i = u
            while time.perf_counter() - t0 < seconds:
                await send(client, url, bodies[i % len(bodies)], record, time.perf_counter())
                i += users
        await asyncio.gather(*(user(u) for u in range(users)))
    rec = np.array(record)
    return np.sum(rec[:, 2] == 200) / (rec[:, 1].max() - t0)
# Dynamic batching:2 ends here

# [[file:../../primer.org::*Dynamic batching][Dynamic batching:3]]
def experiment(url_base: str, rng) -> dict:
    X, _ = make_data(np.random.default_rng(1), 400)
    bodies = [json.dumps({"x": [round(float(v), 4) for v in row]}) for row in X]
    url = url_base + "/predict"

    def configure(b, w):
        httpx.post(url_base + "/admin/batching", params={"max_batch": b, "max_wait_ms": w},
                   timeout=10.0).raise_for_status()

    configure(1, 0.0)
    asyncio.run(saturate(url, bodies, 4, 0.4))                     # warm-up
    # Clients enough to keep a batch waiting while one is scored (twice the batch),
    # but at most 32: beyond that the one-process client and the connections'
    # overhead, not the server, set the rate on two cores.
    users = lambda b: min(32, max(4, 2 * b))                       # noqa: E731
    cap1 = max(asyncio.run(saturate(url, bodies, users(1), 0.5)) for _ in range(2))
    heavy, light = HEAVY * cap1, 0.2 * cap1
    print(f"capacity_unbatched_rps = {cap1:.0f}")
    print(f"heavy_offered_rps = {heavy:.0f}")
    out = {}
    for b, w in SETTINGS:
        tag = f"b{b}_w{w:g}"
        configure(b, w)
        # other work on the machine can only lower it: the better of two runs counts
        cap = max(asyncio.run(saturate(url, bodies, users(b), 0.5)) for _ in range(2))
        configure(b, w)                                            # resets the counters
        rec, t0 = asyncio.run(open_loop(url, bodies, heavy, HEAVY_S, rng))
        st = httpx.get(url_base + "/admin/stats", timeout=10.0).json()
        ok = rec[:, 2] == 200
        lat = (rec[:, 1] - rec[:, 0]) * 1e3
        heavy_p99 = np.percentile(lat, 99) if ok.all() else np.inf
        achieved = ok.sum() / (rec[:, 1].max() - t0)
        configure(b, w)
        rec_l, _ = asyncio.run(open_loop(url, bodies, light, LIGHT_S, rng))
        st_l = httpx.get(url_base + "/admin/stats", timeout=10.0).json()
        lat_l = (rec_l[:, 1] - rec_l[:, 0]) * 1e3
        out[(b, w)] = {"capacity_rps": cap, "heavy_p50_ms": np.percentile(lat, 50),
                       "heavy_p99_ms": heavy_p99, "heavy_achieved_over_offered":
                       achieved / (len(rec) / HEAVY_S), "heavy_mean_batch":
                       st["rows"] / max(st["batches"], 1),
                       "light_p50_ms": np.percentile(lat_l, 50),
                       "light_queue_wait_ms": st_l["mean_wait_ms"],
                       "light_p99_ms": np.percentile(lat_l, 99)}
        for key, value in out[(b, w)].items():
            print(f"{tag}_{key} = {value:.3g}")
    return out


def make_data(rng, n):
    X = rng.normal(size=(n, N_FEATURES))
    logit = X[:, 0] - X[:, 1] * X[:, 2] + np.sin(2 * X[:, 3]) + 0.5 * X[:, 4]
    return X, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def model_cost(model) -> None:
    """CPU per call of the model alone, for one row and for 64: the reason to batch."""
    X, _ = make_data(np.random.default_rng(2), 64)
    cost = {}
    for n in (1, 64):
        start = time.process_time()
        for _ in range(20):
            model.predict_proba(X[:n])
        cost[n] = (time.process_time() - start) / 20
        print(f"model_cpu_ms_batch{n} = {cost[n] * 1e3:.2f}")
    print(f"model_rows_per_cpu_gain_batch64 = {64 * cost[1] / cost[64]:.0f}")
# Dynamic batching:3 ends here

# [[file:../../primer.org::*Dynamic batching][Dynamic batching:4]]
def report(out: dict) -> None:
    first, last = out[SETTINGS[0]], out[SETTINGS[-1]]
    print(f"capacity_gain_largest_batch = {last['capacity_rps'] / first['capacity_rps']:.1f}")
    print(f"light_p50_cost_largest_batch_ms = {last['light_p50_ms'] - first['light_p50_ms']:.1f}")
    print(f"light_queue_wait_cost_largest_batch_ms = "
          f"{last['light_queue_wait_ms'] - first['light_queue_wait_ms']:.1f}")
    meets = [s for s in SETTINGS if out[s]["heavy_p99_ms"] <= SLA_P99_MS]
    print(f"settings_meeting_sla = {len(meets)}")
    if meets:   # the cheapest on latency: the smallest wait that meets the SLA
        b, w = min(meets, key=lambda s: (s[1], s[0]))
        print(f"sla_setting_max_batch = {b}")
        print(f"sla_setting_max_wait_ms = {w:g}")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    names = [f"B={b}\nwait {w:g} ms" for b, w in SETTINGS]
    panels = [("capacity_rps", "requests per second", "Capacity (clients never wait)"),
              ("heavy_p99_ms", "p99, ms (log)", f"p99 at {HEAVY:g}x the unbatched capacity"),
              ("light_p50_ms", "p50, ms", "Median at 20 % of unbatched capacity")]
    for ax, (key, ylabel, title) in zip(axes, panels):
        values = [min(out[s][key], 1e4) for s in SETTINGS]
        ax.bar(names, values, color=["#b5523b", "#c98f3b", "#6a9a4a", "#4a7a96"])
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
    axes[1].set_yscale("log")
    axes[1].axhline(SLA_P99_MS, color="#222222", ls="--", lw=1, label="SLA")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "dynamic_batching.png", dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.server:
        run_server(int(args.server[0]), Path(args.server[1]), int(args.server[2]))
        return
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    IMG.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="batching-", dir="."))
    X, y = make_data(rng, 2_000)
    model = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0,
                                   n_jobs=1).fit(X, y)
    joblib.dump(model, work / "model.joblib")
    model_cost(model)
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--server", str(port),
                             str(work / "model.joblib"), str(os.getpid())],
                            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(1200):                                      # up to 60 s
            try:
                if httpx.get(base + "/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        report(experiment(base, rng))
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
# Dynamic batching:4 ends here
