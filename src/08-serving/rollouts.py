# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:1]]
"""Rollouts: replacing a model version in a running service without failed requests,
shadow scoring, and a canary whose guard rolls a bad version back on its own.

The script trains four model versions and registers them as artifacts (joblib plus a
metadata file with the version, a SHA-256 of the model file and a few known inputs with
their expected scores).  It starts the service (FastAPI + uvicorn, one worker) as a
subprocess on 127.0.0.1 and drives it with a load generator:
  1. hot swap: an admin call loads, checks and validates a version, then switches one
     reference, while Poisson traffic keeps arriving; against it, a restart of the server;
  2. shadow: two candidates score every request, the champion answers;
  3. canary: a sticky share of users is served by a candidate, delayed labels feed a
     sequential test, and the service rolls back or promotes by itself.
The guard's false-rollback rate is computed exactly and checked by simulation.
The server is stopped on every exit path, as in serving_load.py.
  python rollouts.py                  the whole experiment
  python rollouts.py --serve-only     start the service and keep it up (Ctrl-C stops it)
"""
import argparse
import asyncio
import atexit
import hashlib
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

import httpx
import joblib
import matplotlib
import numpy as np
import sklearn
import uvicorn
from fastapi import BackgroundTasks, FastAPI, HTTPException, Response
from pydantic import BaseModel, ConfigDict, Field
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
N_FEATURES = 5
N_USERS = 2_000
RATE = 150.0                 # requests per second during the swaps (well below capacity)
CANARY_SHARE = 0.10          # share of users routed to the candidate
LABEL_LAG = 200              # a label arrives this many requests after its prediction
ALPHA, BETA = 0.01, 0.10     # designed false-rollback and missed-rollback rates
TOLERANCE, HARM = 0.02, 0.10  # error-rate increase still accepted, and to be caught
MAX_LABELLED = 400           # labelled canary outcomes before promotion at the latest
N_SIMULATED = 20_000         # simulated canaries per checked error rate


# ---------------------------------------------------------------- the service
class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: int = Field(ge=0)
    request_id: int = Field(ge=0)
    x: list[float] = Field(min_length=N_FEATURES, max_length=N_FEATURES)


class Feedback(BaseModel):
    labels: list[tuple[int, int]]            # (request_id, observed label)


def load_version(registry: Path, version: int):
    """Read one registered version, refusing it unless the file is the one that was
    registered (hash) and it reproduces the scores recorded at training time."""
    folder = registry / str(version)
    meta = json.loads((folder / "metadata.json").read_text())
    blob = (folder / "model.joblib").read_bytes()
    if hashlib.sha256(blob).hexdigest() != meta["sha256"]:
        raise ValueError(f"version {version}: model file does not match its hash")
    if meta["sklearn_version"] != sklearn.__version__:
        raise ValueError(f"version {version}: built with scikit-learn {meta['sklearn_version']}")
    model = joblib.load(folder / "model.joblib")
    got = model.predict_proba(np.array(meta["check_inputs"]))[:, 1]
    if not np.allclose(got, meta["check_scores"], rtol=0, atol=1e-9):
        raise ValueError(f"version {version}: scores on the check inputs differ")
    return model


def routed_to_canary(user_id: int, salt: str, share: float) -> bool:
    """Sticky assignment: a hash of the user id, so a user sees one version throughout."""
    h = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2 ** 64 < share
# Rollouts: hot swaps, shadow traffic and canaries:1 ends here

# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:2]]
class Canary:
    """A candidate serving a share of users, judged by a sequential probability ratio
    test on its errors as their labels arrive."""

    def __init__(self, version, model, share, p0, p1, upper, lower, max_n):
        self.version, self.model, self.share = version, model, share
        self.salt = f"canary-{version}"
        self.step_err = math.log(p1 / p0)              # log-likelihood ratio of one error
        self.step_ok = math.log((1 - p1) / (1 - p0))   # ... and of one correct answer
        self.upper, self.lower, self.max_n = upper, lower, max_n
        self.decisions = {}                            # request_id -> predicted label
        self.users = set()
        self.llr, self.path, self.status = 0.0, [0.0], "running"
        self.at_decision = None

    def observe(self, predicted: int, label: int) -> None:
        self.llr += self.step_err if predicted != label else self.step_ok
        self.path.append(self.llr)
        n = len(self.path) - 1
        if self.llr >= self.upper:
            self.status = "rolled_back"
        elif self.llr <= self.lower or n >= self.max_n:
            self.status = "promoted"

    def report(self) -> dict:
        return {"status": self.status, "version": self.version,
                "canary_requests": len(self.decisions), "users_exposed": len(self.users),
                "labelled": len(self.path) - 1, "llr_path": self.path,
                "at_decision": self.at_decision}


def build_app(registry: Path, first_version: int) -> FastAPI:
    state = {"seq": 0, "shadows": {}, "shadow_log": [], "canary": None, "last_canary": None}

    @asynccontextmanager
    async def lifespan(app):
        state["active"] = (first_version, load_version(registry, first_version))
        yield
        state.clear()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health():
        return {"status": "ok", "version": state["active"][0]}

    @app.post("/admin/load")
    async def load(version: int):
        """Hot swap: load and validate off the event loop, then switch one reference.
        Requests keep being answered by the old version until that assignment."""
        try:
            model = await asyncio.to_thread(load_version, registry, version)
        except (ValueError, OSError) as err:
            raise HTTPException(status_code=409, detail=str(err))
        old = state["active"][0]
        state["active"] = (version, model)
        return {"from": old, "to": version, "switched_after_seq": state["seq"]}

    @app.post("/admin/shadow")
    async def shadow(versions: str = ""):
        chosen = [int(v) for v in versions.split(",") if v]
        state["shadows"] = {v: await asyncio.to_thread(load_version, registry, v)
                            for v in chosen}
        return {"shadows": chosen}

    @app.get("/admin/shadow_log")
    async def shadow_log():
        log, state["shadow_log"] = state["shadow_log"], []
        return {"log": log}

    @app.post("/admin/canary")
    async def start_canary(version: int, share: float, p0: float, p1: float,
                           upper: float, lower: float, max_n: int):
        model = await asyncio.to_thread(load_version, registry, version)
        state["canary"] = Canary(version, model, share, p0, p1, upper, lower, max_n)
        return {"canary": version, "share": share}

    @app.get("/admin/canary")
    async def canary_status():
        c = state["canary"] or state["last_canary"]
        return c.report() if c else {"status": "none"}

    async def score_shadows(request_id, x, served_version, served_score):
        # Runs on the event loop after the answer has been sent: users never wait for it.
        for version, model in state["shadows"].items():
            s = float(model.predict_proba(x)[0, 1])
            state["shadow_log"].append([request_id, served_version, version,
                                        served_score, s])

    @app.post("/predict")
    async def predict(q: Query, response: Response, background: BackgroundTasks):
        state["seq"] += 1
        version, model = state["active"]          # one read: one version per answer
        canary = state["canary"]
        if canary is not None and routed_to_canary(q.user_id, canary.salt, canary.share):
            version, model = canary.version, canary.model
        x = np.array([q.x])
        score = float(model.predict_proba(x)[0, 1])
        if canary is not None and version == canary.version:
            canary.decisions[q.request_id] = int(score >= 0.5)
            canary.users.add(q.user_id)
        if state["shadows"]:
            background.add_task(score_shadows, q.request_id, x, version, score)
        response.headers["x-model-version"] = str(version)
        response.headers["x-seq"] = str(state["seq"])
        return {"version": version, "score": round(score, 6)}

    @app.post("/feedback")
    async def feedback(fb: Feedback):
        """Labels arrive late.  Each one that belongs to a canary answer is a step of the
        guard; when the guard decides, the traffic split changes at once."""
        canary = state["canary"]
        if canary is None:
            return {"status": "none"}
        for request_id, label in fb.labels:
            if request_id in canary.decisions and canary.status == "running":
                canary.observe(canary.decisions[request_id], label)
        if canary.status != "running":
            canary.at_decision = {"seq": state["seq"], "canary_requests": len(canary.decisions),
                                  "users_exposed": len(canary.users),
                                  "labelled": len(canary.path) - 1}
            if canary.status == "promoted":
                state["active"] = (canary.version, canary.model)
            state["canary"], state["last_canary"] = None, canary
        return {"status": canary.status}

    return app


def watch_parent(parent: int) -> None:
    """Exit when the process that started us is gone (it was SIGKILLed, say)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def run_server(port: int, registry: Path, version: int, parent: int) -> None:
    threadpool_limits(1)
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    uvicorn.run(build_app(registry, version), host="127.0.0.1", port=port,
                log_level="warning", access_log=False, timeout_keep_alive=30)
# Rollouts: hot swaps, shadow traffic and canaries:2 ends here

# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:3]]
# ------------------------------------------------- training and the registry
def make_queries(rng, n):
    """Synthetic requests: a user id, five features and the label that arrives later."""
    users = rng.integers(0, N_USERS, n)
    X = rng.normal(size=(n, N_FEATURES))
    logit = 2.5 * X[:, 0] + 1.0 * X[:, 1] - 0.7 * X[:, 2] + 0.4 * X[:, 3] - 0.2
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return users, X, y


def register(registry: Path, version: int, model, note: str, check_of=None) -> None:
    """Save a version: the model file, its hash, and known inputs with their scores
    (taken from `check_of` instead, to build a version whose metadata is wrong)."""
    folder = registry / str(version)
    folder.mkdir(parents=True)
    joblib.dump(model, folder / "model.joblib")
    check_inputs = np.random.default_rng(99).normal(size=(8, N_FEATURES))
    scores = (check_of or model).predict_proba(check_inputs)[:, 1]
    meta = {"name": "churn", "version": version, "note": note,
            "sha256": hashlib.sha256((folder / "model.joblib").read_bytes()).hexdigest(),
            "sklearn_version": sklearn.__version__,
            "check_inputs": check_inputs.tolist(), "check_scores": scores.tolist()}
    (folder / "metadata.json").write_text(json.dumps(meta, indent=1))


def train_versions(registry: Path, rng) -> dict:
    _, Xa, ya = make_queries(rng, 20_000)
    _, Xb, yb = make_queries(rng, 20_000)
    fit = lambda X, y: LogisticRegression(max_iter=1_000).fit(X, y)
    broken = Xb.copy()
    broken[:, 0] = rng.permutation(broken[:, 0])   # a join that misaligned one column
    models = {1: fit(Xa, ya), 2: fit(Xb, yb), 3: fit(broken, yb)}
    register(registry, 1, models[1], "champion")
    register(registry, 2, models[2], "retrained on newer data")
    register(registry, 3, models[3], "retrained, strongest feature scrambled by a bad join")
    register(registry, 4, models[2], "a copy of 2 damaged in transit")
    with open(registry / "4" / "model.joblib", "ab") as f:
        f.write(b"\0")                               # one stray byte: the hash disagrees
    register(registry, 5, models[3], "the file of 3 under the metadata of 2", check_of=models[2])
    return models


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The service as a child process in its own process group."""
    started = []                                       # every one, for the cleanup

    def __init__(self, registry: Path, version: int, marker: str, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--server", str(self.port), str(registry),
             str(version), str(os.getpid()), "--marker", marker], start_new_session=True)
        Server.started.append(self)

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
            time.sleep(0.02)
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


def stop_all() -> None:
    for server in Server.started:
        server.stop()


def on_signal(signum, frame):
    raise SystemExit(128 + signum)          # unwinds through every finally: below
# Rollouts: hot swaps, shadow traffic and canaries:3 ends here

# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:4]]
# ------------------------------------------------------------ load generation
def body(i, users, X) -> str:
    return json.dumps({"user_id": int(users[i]), "request_id": int(i),
                       "x": [round(float(v), 6) for v in X[i]]})


async def send(client, url, payload, record, due):
    """One request; records when it was due, when it ended, the status, and the version
    and server sequence number the answer carries (0 = refused or reset, -1 = timeout)."""
    version = seq = -1
    try:
        r = await client.post(url, content=payload, headers={"content-type": "application/json"})
        status = r.status_code
        if status == 200:
            version, seq = int(r.headers["x-model-version"]), int(r.headers["x-seq"])
    except httpx.TimeoutException:
        status = -1
    except httpx.HTTPError:
        status = 0
    record.append((due, time.perf_counter(), status, version, seq))


async def open_loop_with(action, base_url, queries, rng, act_at=0.6, settle=0.6):
    """Poisson arrivals at RATE per second for as long as `action` takes, plus
    `act_at` before and `settle` after it (bounded at 30 s).  Returns the record of
    every request and when the action started and ended, relative to the first send."""
    users, X, _ = queries
    due = np.cumsum(rng.exponential(1 / RATE, int(RATE * 30)))
    record, tasks, done, marks = [], [], asyncio.Event(), {}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as client:
        t0 = time.perf_counter()

        async def act():
            await asyncio.sleep(act_at)
            marks["start"] = time.perf_counter() - t0
            marks["result"] = await action()
            marks["end"] = time.perf_counter() - t0
            await asyncio.sleep(settle)
            done.set()
        actor = asyncio.create_task(act())
        for i, d in enumerate(due):
            if done.is_set():
                break
            delay = t0 + d - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(
                send(client, base_url() + "/predict", body(i % len(users), users, X),
                     record, t0 + d)))
        await actor
        await asyncio.wait(tasks, timeout=15.0)
    rec = np.array(record, dtype=float).reshape(-1, 5)
    rec[:, :2] -= t0
    return rec[np.argsort(rec[:, 0])], marks


async def send_all(url, queries, indices, concurrency=16):
    """Closed-loop sending of the given requests, `concurrency` at a time; returns
    (index, status, version) for each."""
    users, X, _ = queries
    out, sem = [], asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=10.0) as client:
        async def one(i):
            async with sem:
                record = []
                await send(client, url + "/predict", body(i, users, X), record, 0.0)
                out.append((i, record[0][2], record[0][3]))
        await asyncio.gather(*(one(i) for i in indices))
    return sorted(out)


def swap_stats(rec) -> dict:
    ok = rec[:, 2] == 200
    by_seq = rec[ok][np.argsort(rec[ok][:, 4])]
    changes = int(np.sum(by_seq[1:, 3] != by_seq[:-1, 3]))
    return {"requests": len(rec), "failed": int((~ok).sum()), "changes": changes,
            "versions": sorted({int(v) for v in by_seq[:, 3]})}
# Rollouts: hot swaps, shadow traffic and canaries:4 ends here

# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:5]]
# ----------------------------------------------------------- the guard, offline
def steps(p0, p1):
    return math.log(p1 / p0), math.log((1 - p1) / (1 - p0))


def exact_guard(p, p0, p1, upper, lower, max_n):
    """Exact probability that the guard rolls back a version whose error rate is p,
    and the expected number of labelled outcomes until it decides, by dynamic
    programming over (outcomes seen, errors among them)."""
    s_err, s_ok = steps(p0, p1)
    alive = np.zeros(max_n + 1)
    alive[0] = 1.0
    k = np.arange(max_n + 1)
    rollback = expected_n = 0.0
    for n in range(1, max_n + 1):
        nxt = alive * (1 - p)
        nxt[1:] += alive[:-1] * p
        llr = k * s_err + (n - k) * s_ok
        up = (llr >= upper) & (k <= n)
        low = ((llr <= lower) | (n == max_n)) & ~up
        rollback += nxt[up].sum()
        expected_n += n * (nxt[up].sum() + nxt[low].sum())
        nxt[up | low] = 0.0
        alive = nxt
    return rollback, expected_n


def design_guard(p0, p1, alpha, beta, max_n) -> dict:
    """Wald's thresholds, then the rollback threshold moved to the lowest value whose
    exact false-rollback rate at p0 is at most alpha (the truncation and the discrete
    steps make Wald's approximation conservative), placed between two attainable
    values of the statistic so rounding cannot change a decision."""
    s_err, s_ok = steps(p0, p1)
    n_idx, k_idx = np.meshgrid(np.arange(max_n + 1), np.arange(max_n + 1), indexing="ij")
    keep = k_idx <= n_idx
    values = np.unique((k_idx * s_err + (n_idx - k_idx) * s_ok)[keep])

    def between(u):
        j = np.searchsorted(values, u)
        return (values[j - 1] + values[j]) / 2 if 0 < j < len(values) else u
    lower = between(math.log(beta / (1 - alpha)))
    wald_upper = math.log((1 - beta) / alpha)
    lo, hi = 0.0, 3 * wald_upper                    # rate(lo) > alpha >= rate(hi)
    for _ in range(60):
        mid = (lo + hi) / 2
        if exact_guard(p0, p0, p1, mid, lower, max_n)[0] <= alpha:
            hi = mid
        else:
            lo = mid
    upper = between(hi)
    return {"p0": p0, "p1": p1, "upper": upper, "lower": lower, "max_n": max_n,
            "wald_upper": wald_upper}


def simulate_guard(outcomes_rng, draw, g, runs=N_SIMULATED, chunk=5_000):
    """Monte Carlo canaries: `draw(rng, shape)` gives error indicators; the same rule as
    the service's.  Also a naive guard for contrast: roll back as soon as the observed
    error rate, after at least 20 labels, exceeds p0 by two standard errors."""
    s_err, s_ok = steps(g["p0"], g["p1"])
    n = np.arange(1, g["max_n"] + 1)
    rolled = naive = 0
    for start in range(0, runs, chunk):
        err = draw(outcomes_rng, (min(chunk, runs - start), g["max_n"]))
        llr = np.cumsum(np.where(err, s_err, s_ok), axis=1)
        up, low = llr >= g["upper"], llr <= g["lower"]
        first_up = np.where(up.any(1), up.argmax(1), g["max_n"])
        first_low = np.where(low.any(1), low.argmax(1), g["max_n"])
        rolled += int(np.sum(first_up < first_low))
        rate = np.cumsum(err, axis=1) / n
        alarm = (rate > g["p0"] + 2 * np.sqrt(g["p0"] * (1 - g["p0"]) / n)) & (n >= 20)
        naive += int(np.sum(alarm.any(1)))
    return rolled / runs, naive / runs


def guard_offline(models, test) -> tuple:
    """Design the guard on the champion's held-out error, then check it: exact rates by
    dynamic programming, and simulated canaries at the tolerable rate, on the good
    version's own errors, and at the harmful rate."""
    _, Xt, yt = test
    champion_error = float(np.mean(models[1].predict(Xt) != yt))
    g = design_guard(champion_error + TOLERANCE, champion_error + HARM, ALPHA, BETA,
                     MAX_LABELLED)
    exact = lambda p: exact_guard(p, g["p0"], g["p1"], g["upper"], g["lower"], g["max_n"])
    rng = np.random.default_rng(7)
    bernoulli = lambda p: (lambda r, shape: r.random(shape) < p)
    good_errors = models[2].predict(Xt) != yt
    bad_error = float(np.mean(models[3].predict(Xt) != yt))
    resample = lambda r, shape: good_errors[r.integers(0, len(good_errors), shape)]
    sims = {}
    sims["exact_false_rollback"], sims["exact_labels_at_tolerable"] = exact(g["p0"])
    sims["wald_exact_false_rollback"] = exact_guard(g["p0"], g["p0"], g["p1"], g["wald_upper"],
                                                    g["lower"], g["max_n"])[0]
    sims["mc_false_rollback"], sims["naive_mc_false_rollback"] = simulate_guard(rng, bernoulli(g["p0"]), g)
    se = math.sqrt(sims["exact_false_rollback"] * (1 - sims["exact_false_rollback"]) / N_SIMULATED)
    sims["mc_se"] = se
    sims["mc_z"] = (sims["mc_false_rollback"] - sims["exact_false_rollback"]) / se
    sims["exact_false_rollback_at_champion"], sims["exact_labels_at_champion"] = exact(champion_error)
    sims["mc_false_rollback_good_version"], sims["naive_mc_false_rollback_good_version"] = \
        simulate_guard(rng, resample, g)
    sims["exact_rollback_at_harmful"], sims["exact_labels_at_harmful"] = exact(g["p1"])
    sims["exact_rollback_at_harmful_untruncated"] = exact_guard(
        g["p1"], g["p0"], g["p1"], g["upper"], g["lower"], 20 * g["max_n"])[0]
    sims["mc_rollback_at_harmful"], _ = simulate_guard(rng, bernoulli(g["p1"]), g)
    sims["exact_rollback_at_bad"], sims["exact_labels_at_bad"] = exact(bad_error)
    sims["points"] = [(g["p0"], sims["mc_false_rollback"], "tolerable"),
                      (float(good_errors.mean()), sims["mc_false_rollback_good_version"], "good"),
                      (g["p1"], sims["mc_rollback_at_harmful"], "harmful")]
    return g, sims
# Rollouts: hot swaps, shadow traffic and canaries:5 ends here

# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:6]]
# ----------------------------------------------------------------- experiments
def swaps(holder: dict, registry: Path, marker: str, rng) -> dict:
    """Hot swap, restart, hot swap: the same Poisson traffic through each."""
    queries = make_queries(np.random.default_rng(1), 5_000)

    async def hot(version):
        async with httpx.AsyncClient(timeout=30.0) as admin:
            r = await admin.post(holder["server"].url + "/admin/load", params={"version": version})
            return r.json()

    async def restart(version):
        def stop_and_start():
            old = holder["server"]
            old.stop()
            holder["server"] = Server(registry, version, marker, port=old.port)
            return holder["server"].wait_ready()
        return await asyncio.to_thread(stop_and_start)

    url = lambda: holder["server"].url
    phases = {}
    for name, action in [("hot1", lambda: hot(2)), ("naive", lambda: restart(1)),
                         ("hot2", lambda: hot(2))]:
        phases[name] = asyncio.run(open_loop_with(action, url, queries, rng))
    httpx.post(url() + "/admin/load", params={"version": 1}, timeout=30.0)   # back to 1
    return phases


def refusals(url: str) -> dict:
    out = {}
    for name, version in [("corrupt", 4), ("mislabelled", 5)]:
        r = httpx.post(url + "/admin/load", params={"version": version}, timeout=30.0)
        out[name] = (r.status_code, r.json()["detail"])
    out["serving"] = httpx.get(url + "/health", timeout=10.0).json()["version"]
    return out


def shadow(url: str, registry: Path, test) -> dict:
    """Versions 2 and 3 score every request in the background; version 1 answers."""
    queries = make_queries(np.random.default_rng(2), 600)
    httpx.post(url + "/admin/shadow", params={"versions": "2,3"}, timeout=30.0)
    answers = asyncio.run(send_all(url, queries, range(len(queries[0]))))
    log = []
    for _ in range(100):                       # the background scoring finishes shortly
        log += httpx.get(url + "/admin/shadow_log", timeout=10.0).json()["log"]
        if len(log) >= 2 * len(answers):
            break
        time.sleep(0.05)
    httpx.post(url + "/admin/shadow", params={"versions": ""}, timeout=30.0)
    log = np.array(log)
    champion = load_version(registry, 1)
    _, Xt, _ = test
    out = {"answers": answers, "requests": len(answers),
           "answered_by_other": sum(v != 1 for _, _, v in answers)}
    for version in [2, 3]:
        rows = log[log[:, 2] == version]
        ids = rows[:, 0].astype(int)
        online = (rows[:, 3] >= 0.5) != (rows[:, 4] >= 0.5)
        candidate = load_version(registry, version)     # offline, the same inputs
        X = queries[1][ids]
        offline = (champion.predict_proba(X)[:, 1] >= 0.5) != (candidate.predict_proba(X)[:, 1] >= 0.5)
        held = np.mean((champion.predict_proba(Xt)[:, 1] >= 0.5)
                       != (candidate.predict_proba(Xt)[:, 1] >= 0.5))
        out[version] = {"logged": len(rows), "online": online.mean(), "offline": offline.mean(),
                        "mismatches": int(np.sum(online != offline)), "heldout": held,
                        "heldout_se": math.sqrt(held * (1 - held) / len(Xt)),
                        "online_se": math.sqrt(held * (1 - held) / len(rows))}
    return out


async def canary_run(url, version, guard, queries):
    users, X, y = queries
    async with httpx.AsyncClient(timeout=30.0) as client:
        await client.post(url + "/admin/canary", params={
            "version": version, "share": CANARY_SHARE,
            **{k: guard[k] for k in ["p0", "p1", "upper", "lower", "max_n"]}})
        sem = asyncio.Semaphore(16)

        async def one(i, out):
            async with sem:
                record = []
                await send(client, url + "/predict", body(i, users, X), record, 0.0)
                out.append((i, record[0][2], record[0][3]))
        sent = labelled = 0
        status, during = "running", []
        while status == "running" and sent + 50 <= len(y) - 200:
            await asyncio.gather(*(one(i, during) for i in range(sent, sent + 50)))
            sent += 50
            ready = max(0, sent - LABEL_LAG)            # labels arrive LABEL_LAG requests late
            labels = [[i, int(y[i])] for i in range(labelled, ready)]
            labelled = ready
            r = await client.post(url + "/feedback", json={"labels": labels})
            status = r.json()["status"]
        after = []
        await asyncio.gather(*(one(i, after) for i in range(sent, sent + 200)))
        report = (await client.get(url + "/admin/canary")).json()
    return status, sent, during, after, report


def canary(url: str, version: int, guard: dict, seed: int) -> dict:
    """Serve `version` to CANARY_SHARE of users; labels follow LABEL_LAG requests behind.
    Stops when the service has decided, then sends 200 more requests to see the split."""
    queries = make_queries(np.random.default_rng(seed), 6_000)
    status, sent, during, after, report = asyncio.run(canary_run(url, version, guard, queries))
    in_share = sum(routed_to_canary(u, f"canary-{version}", CANARY_SHARE) for u in range(N_USERS))
    return {"status": status, "report": report, "sent": sent, "after": after,
            "failed": sum(s != 200 for _, s, _ in during + after), "users_in_share": in_share,
            "after_canary_version": sum(v == version for _, _, v in after)}
# Rollouts: hot swaps, shadow traffic and canaries:6 ends here

# [[file:../../primer.org::*Rollouts: hot swaps, shadow traffic and canaries][Rollouts: hot swaps, shadow traffic and canaries:7]]
# --------------------------------------------------------------------- report
def report(models, test, ref, phases, sh, bad, good, guard, sims) -> None:
    _, Xt, yt = test
    errors = {v: (models[v].predict(Xt) != yt) for v in [1, 2, 3]}
    for v, name in [(1, "champion"), (2, "good"), (3, "bad")]:
        print(f"{name}_error = {errors[v].mean():.4f}")
    print(f"heldout_rows = {len(yt)}")
    print(f"error_se = {math.sqrt(errors[1].mean() * (1 - errors[1].mean()) / len(yt)):.4f}")

    # Refusals: a damaged file and a file under the wrong metadata never go live.
    for name in ["corrupt", "mislabelled"]:
        print(f"load_{name}_status = {ref[name][0]}")
    print(f"serving_after_refusals = {ref['serving']}")

    # Swaps under load.
    print(f"swap_rate_rps = {RATE:.0f}")
    for name in ["hot1", "naive", "hot2"]:
        rec, marks = phases[name]
        s = swap_stats(rec)
        print(f"{name}_requests = {s['requests']}")
        print(f"{name}_failed = {s['failed']}")
        print(f"{name}_version_changes = {s['changes']}")
        print(f"{name}_action_s = {marks['end'] - marks['start']:.3f}")
    rec, marks = phases["naive"]
    bad_rows = rec[rec[:, 2] != 200]
    ok_rows = rec[rec[:, 2] == 200]
    before = ok_rows[ok_rows[:, 0] < bad_rows[0, 0], 1].max() if len(bad_rows) else math.nan
    after = ok_rows[ok_rows[:, 0] > bad_rows[-1, 0], 1].min() if len(bad_rows) else math.nan
    print(f"naive_outage_s = {after - before:.2f}")
    print(f"naive_restart_s = {marks['result']:.2f}")
    print(f"hot_failed_total = {swap_stats(phases['hot1'][0])['failed'] + swap_stats(phases['hot2'][0])['failed']}")
    print(f"hot_load_ms = {1e3 * (phases['hot1'][1]['end'] - phases['hot1'][1]['start']):.0f}")

    # Shadow.
    print(f"shadow_requests = {sh['requests']}")
    print(f"shadow_answered_by_other = {sh['answered_by_other']}")
    for v, name in [(2, "good"), (3, "bad")]:
        d = sh[v]
        print(f"shadow_{name}_logged = {d['logged']}")
        print(f"shadow_{name}_disagreement = {d['online']:.4f}")
        print(f"shadow_{name}_offline_disagreement = {d['offline']:.4f}")
        print(f"shadow_{name}_mismatches = {d['mismatches']}")
        print(f"shadow_{name}_heldout_disagreement = {d['heldout']:.4f}")
        print(f"shadow_{name}_online_se = {d['online_se']:.4f}")
        print(f"shadow_{name}_z = {(d['online'] - d['heldout']) / d['online_se']:.2f}")

    # The guard: design, exact rates, simulation.
    print(f"guard_p0 = {guard['p0']:.4f}")
    print(f"guard_p1 = {guard['p1']:.4f}")
    print(f"guard_upper = {guard['upper']:.3f}")
    print(f"guard_wald_upper = {guard['wald_upper']:.3f}")
    print(f"guard_lower = {guard['lower']:.3f}")
    print(f"guard_max_labelled = {guard['max_n']}")
    print(f"guard_alpha_target = {ALPHA}")
    print(f"guard_beta = {BETA}")
    print(f"guard_tolerance = {TOLERANCE}")
    print(f"guard_harm = {HARM}")
    print(f"simulated_canaries = {N_SIMULATED}")
    for key, value in sims.items():
        digits = 0 if "labels" in key else 2 if key == "mc_z" else 4
        if key != "points":
            print(f"guard_{key} = {value:.{digits}f}")

    # Canaries.
    for name, c in [("bad", bad), ("good", good)]:
        rep, at = c["report"], c["report"]["at_decision"]
        print(f"canary_{name}_rolled_back = {int(c['status'] == 'rolled_back')}")
        print(f"canary_{name}_promoted = {int(c['status'] == 'promoted')}")
        print(f"canary_{name}_labelled_at_decision = {at['labelled']}")
        print(f"canary_{name}_canary_requests_at_decision = {at['canary_requests']}")
        print(f"canary_{name}_users_exposed = {at['users_exposed']}")
        print(f"canary_{name}_requests_sent = {c['sent']}")
        print(f"canary_{name}_after_by_candidate = {c['after_canary_version']}")
        print(f"canary_{name}_after_requests = {len(c['after'])}")
        print(f"canary_{name}_failed = {c['failed']}")
        print(f"canary_{name}_users_in_share = {c['users_in_share']}")
    print(f"canary_users = {N_USERS}")
    print(f"canary_share_pct = {100 * CANARY_SHARE:.0f}")
    print(f"label_lag_requests = {LABEL_LAG}")
    draw(phases, bad, good, guard, sims)


def draw(phases, bad, good, guard, sims) -> None:
    # Imported here: the server runs this same file and has no use for it (a restart
    # is part of the experiment, and every import lengthens it).
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    colours = {1: "#4a7a96", 2: "#d08c2c"}
    for ax, name, title in [(axes[0, 0], "hot1", "Hot swap 1 \u2192 2 under Poisson load"),
                            (axes[0, 1], "naive", "Restart with version 1 under the same load")]:
        rec, marks = phases[name]
        for v, c in colours.items():
            m = (rec[:, 2] == 200) & (rec[:, 3] == v)
            ax.plot(rec[m, 0], 1e3 * (rec[m, 1] - rec[m, 0]), ".", ms=3, color=c,
                    label=f"answered by version {v}")
        fail = rec[:, 2] != 200
        if fail.any():
            ax.plot(rec[fail, 0], np.full(fail.sum(), 0.3), "x", color="#b5523b", ms=4,
                    label=f"failed ({fail.sum()})")
        ax.axvspan(marks["start"], marks["end"], color="#cccccc", alpha=0.5,
                   label="swap / restart in progress")
        ax.set_yscale("log")
        ax.set_xlabel("request due time, s")
        ax.set_ylabel("latency, ms (log)")
        ax.set_title(title)
        ax.legend(fontsize=7, loc="upper right" if name == "hot1" else "center")
    ax = axes[1, 0]
    for c, name, colour in [(bad, "version 3 (bad): rolled back", "#b5523b"),
                            (good, "version 2 (good): promoted", "#4a7a96")]:
        path = c["report"]["llr_path"]
        ax.plot(range(len(path)), path, color=colour, label=name)
    ax.axhline(guard["upper"], color="k", ls="--", lw=1, label="roll back")
    ax.axhline(guard["lower"], color="k", ls=":", lw=1, label="promote")
    ax.set_xlabel("labelled canary outcomes")
    ax.set_ylabel("log-likelihood ratio, harmful vs tolerable")
    ax.set_title(f"Canary guard ({CANARY_SHARE:.0%} of users, labels {LABEL_LAG} requests late)")
    ax.legend(fontsize=7)
    ax = axes[1, 1]
    grid = np.linspace(max(0.01, guard["p0"] - 0.1), guard["p1"] + 0.08, 40)
    oc = [exact_guard(p, guard["p0"], guard["p1"], guard["upper"], guard["lower"],
                      guard["max_n"])[0] for p in grid]
    ax.plot(grid, oc, color="#4a7a96", label="exact (dynamic programming)")
    for p, rate, label in sims["points"]:
        se = math.sqrt(max(rate * (1 - rate), 1e-12) / N_SIMULATED)
        ax.errorbar([p], [rate], yerr=[[3 * se], [3 * se]], fmt="o", color="#b5523b", ms=4)
    ax.plot([], [], "o", color="#b5523b", label=f"simulated, {N_SIMULATED} canaries (\u00b13 SE)")
    ax.axvline(guard["p0"], color="#999999", ls=":", lw=1)
    ax.axvline(guard["p1"], color="#999999", ls="--", lw=1)
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1.5)
    ax.set_xlabel("true error rate of the candidate (dotted: tolerable, dashed: harmful)")
    ax.set_ylabel("probability of rollback (log)")
    ax.set_title("The guard's operating characteristic")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(IMG / "rollouts.png", dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", nargs=4, metavar=("PORT", "REGISTRY", "VERSION", "PARENT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--serve-only", action="store_true")
    parser.add_argument("--marker", default="rollouts")   # lets tests find our processes
    args = parser.parse_args()
    if args.server:
        port, registry, version, parent = args.server
        run_server(int(port), Path(registry), int(version), int(parent))
        return
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    IMG.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="rollouts-", dir="."))
    atexit.register(stop_all)                    # also on exceptions and SystemExit
    try:
        registry = work / "registry" / "churn"
        models = train_versions(registry, rng)
        holder = {"server": Server(registry, 1, args.marker)}
        print(f"server_start_s = {holder['server'].wait_ready():.2f}")
        if args.serve_only:
            print(f"serving {holder['server'].url} (pid {holder['server'].proc.pid}); "
                  "Ctrl-C stops it", flush=True)
            while holder["server"].proc.poll() is None:
                time.sleep(0.5)
            return
        test = make_queries(np.random.default_rng(3), 20_000)
        guard, sims = guard_offline(models, test)
        ref = refusals(holder["server"].url)
        phases = swaps(holder, registry, args.marker, rng)
        url = holder["server"].url
        sh = shadow(url, registry, test)
        bad = canary(url, 3, guard, seed=4)
        good = canary(url, 2, guard, seed=5)
        report(models, test, ref, phases, sh, bad, good, guard, sims)
    finally:
        stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
# Rollouts: hot swaps, shadow traffic and canaries:7 ends here
