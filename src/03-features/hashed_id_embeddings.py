# [[file:../../primer.org::*Embeddings for huge ID spaces][Embeddings for huge ID spaces:1]]
"""Hashing ids into a fixed-size embedding table: memory against collisions, and
what the collisions cost a model.

Part 1 hashes 10 million ids whose traffic follows a Zipf law into tables of 2**k
rows and measures how many ids, and how much traffic, share a row.  Part 2 learns a
per-id effect (a one-dimensional embedding) from a synthetic event log whose true
effects are known, with a full table, one hash, two hashes, a frequency-aware
table, and the quotient-remainder trick, all at the same number of rows.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
DIM, BYTES = 64, 4          # a typical embedding: 64 float32 values per row


def hash64(x: np.ndarray, seed: int) -> np.ndarray:
    """SplitMix64 finaliser: a fast, well-mixed 64-bit hash of integer ids.
    (uint64 arithmetic wraps around, which is what the hash wants.)"""
    z = x.astype(np.uint64)
    z += np.uint64(seed * 0x9E3779B97F4A7C15 % 2**64)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def low_bits(h: np.ndarray, bits: int) -> np.ndarray:
    return (h & np.uint64(2**bits - 1)).astype(np.int64)


# 1. Ten million ids; the id of popularity rank r gets a share of traffic
# proportional to r**-1.05.  Ids are hashed, so their numeric order is irrelevant.
n_ids = 10_000_000
traffic = np.arange(1, n_ids + 1, dtype=np.float64) ** -1.05
traffic /= traffic.sum()
print(f"n_ids = {n_ids}")
print(f"top1pct_traffic_share = {traffic[: n_ids // 100].sum():.3f}")
print(f"full_table_gb = {n_ids * DIM * BYTES / 1e9:.2f}")

bits = np.arange(14, 23, 2)
top = low_bits(hash64(np.arange(n_ids), seed=1), bits[-1])   # row at the largest size
# Per-row totals at the largest size: ids, traffic, squared traffic, heaviest id.
count_top = np.bincount(top, minlength=2 ** bits[-1])
mass_top = np.bincount(top, weights=traffic, minlength=2 ** bits[-1])
square_top = np.bincount(top, weights=traffic**2, minlength=2 ** bits[-1])
heaviest_top = np.zeros(2 ** bits[-1])
np.maximum.at(heaviest_top, top, traffic)
id_share, expected, contamination, not_owner = [], [], [], []
for b in bits:
    # The row at 2**b is the row at 2**22 with its high bits dropped, so the
    # per-row totals fold: combine the 2**(22-b) slices of the largest table.
    count = count_top.reshape(-1, 2**b).sum(axis=0)
    mass = mass_top.reshape(-1, 2**b).sum(axis=0)
    square = square_top.reshape(-1, 2**b).sum(axis=0)
    heaviest = heaviest_top.reshape(-1, 2**b).max(axis=0)
    id_share.append(count[count > 1].sum() / n_ids)
    expected.append(1 - (1 - 2.0**-b) ** (n_ids - 1))
    # c = sum_x p_x (1 - p_x / mass of x's row) = 1 - sum_rows (sum p_x^2) / mass
    contamination.append(1 - np.sum(square[mass > 0] / mass[mass > 0]))
    # Share of traffic on ids that are not the heaviest id of their own row.
    not_owner.append(1 - heaviest.sum())
    print(f"rows_2pow{b}_table_mb = {2**b * DIM * BYTES / 1e6:.0f}")
    print(f"rows_2pow{b}_id_collision_share = {id_share[-1]:.3f}")
    print(f"rows_2pow{b}_traffic_contamination = {contamination[-1]:.3f}")
print(f"collision_formula_max_gap = {max(abs(a - e) for a, e in zip(id_share, expected)):.4f}")
print(f"rows_2pow20_traffic_not_owner = {not_owner[3]:.3f}")
# Embeddings for huge ID spaces:1 ends here

# [[file:../../primer.org::*Embeddings for huge ID spaces][Embeddings for huge ID spaces:2]]
# Two hash functions into two half-size tables: an id is confused with another
# only if both of its rows coincide.  Checked once, at 2**20 rows in total.
half_bits = 19
pair = (top & (2**half_bits - 1)) << half_bits | low_bits(hash64(np.arange(n_ids), seed=2), half_bits)
pair.sort()
same_as_next = pair[1:] == pair[:-1]
shared = np.zeros(n_ids, dtype=bool)
shared[1:] |= same_as_next
shared[:-1] |= same_as_next
print(f"two_hash_pair_collision_share = {shared.mean():.6f}")
print(f"two_hash_pair_expected_share = {1 - (1 - 4.0**-half_bits) ** (n_ids - 1):.6f}")
del pair, shared, same_as_next, top
# Embeddings for huge ID spaces:2 ends here

# [[file:../../primer.org::*Embeddings for huge ID spaces][Embeddings for huge ID spaces:3]]
# 2. What collisions cost.  200,000 ids with Zipf traffic, each with a true effect
# w ~ N(0, 1); an event of id x has outcome y = w_x + N(0, 1) noise.  Every scheme
# learns one number per row by ridge-regularised least squares on 2 million
# events and is scored by its error on the true effects of 500,000 new events.
n_small, lam = 200_000, 1.0
p_small = np.arange(1, n_small + 1, dtype=np.float64) ** -1.05
p_small /= p_small.sum()
id_of_rank = rng.permutation(n_small)
effect = rng.normal(0, 1, n_small)
train_ids = id_of_rank[rng.choice(n_small, size=2_000_000, p=p_small)]
test_ids = id_of_rank[rng.choice(n_small, size=500_000, p=p_small)]
outcome = effect[train_ids] + rng.normal(0, 1, train_ids.size)
n_ev = np.bincount(train_ids, minlength=n_small).astype(float)
y_sum = np.bincount(train_ids, weights=outcome, minlength=n_small)
ids = np.arange(n_small)
g1, g2 = hash64(ids, seed=1), hash64(ids, seed=2)


def test_error(pred: np.ndarray) -> float:
    return float(np.mean((pred[test_ids] - effect[test_ids]) ** 2))


def fit_rows(rows: np.ndarray, n_rows: int) -> np.ndarray:
    """One row per id: the ridge solution is a shrunken mean of the row's events."""
    value = (np.bincount(rows, weights=y_sum, minlength=n_rows)
             / (np.bincount(rows, weights=n_ev, minlength=n_rows) + lam))
    return value[rows]


def fit_sum(rows_a: np.ndarray, rows_b: np.ndarray, n_a: int, n_b: int) -> np.ndarray:
    """Prediction a[rows_a] + b[rows_b]: ridge least squares by alternating exact
    updates of each table (block coordinate descent on a convex quadratic)."""
    a, b = np.zeros(n_a), np.zeros(n_b)
    for _ in range(60):
        resid = y_sum - n_ev * b[rows_b]
        a = np.bincount(rows_a, resid, n_a) / (np.bincount(rows_a, n_ev, n_a) + lam)
        resid = y_sum - n_ev * a[rows_a]
        b = np.bincount(rows_b, resid, n_b) / (np.bincount(rows_b, n_ev, n_b) + lam)
    return a[rows_a] + b[rows_b]


full_error = test_error(y_sum / (n_ev + lam))
print(f"quality_full_table_rows = {n_small}")
print(f"quality_full_table_error = {full_error:.4f}")
print(f"quality_no_id_error = {test_error(np.zeros(n_small)):.4f}")
sizes = np.arange(12, 17, 2)
curves = {"one hash": [], "two hashes, summed": [], "frequent ids exact, rest hashed": [],
          "quotient-remainder, summed": []}
by_count = np.argsort(-n_ev, kind="stable")
for b in sizes:
    m, half = 2**b, 2 ** (b - 1)
    single = fit_rows(low_bits(g1, b), m)
    double = fit_sum(low_bits(g1, b - 1), low_bits(g2, b - 1), half, half)
    # The half of the budget that goes to exact rows holds the ids most frequent in
    # training; every other id is hashed into the other half.
    hybrid_rows = low_bits(g1, b - 1) + half
    hybrid_rows[by_count[:half]] = np.arange(half)
    hybrid = fit_rows(hybrid_rows, m)
    # Quotient-remainder: id -> (id mod r, id div r), r chosen so both tables fit in m.
    r = m - -(-n_small // m)
    q = -(-n_small // r)
    qr = fit_sum(ids % r, ids // r, r, q)
    for name, pred in zip(curves, [single, double, hybrid, qr]):
        curves[name].append(test_error(pred))
    print(f"quality_2pow{b}_one_hash = {curves['one hash'][-1]:.4f}")
    print(f"quality_2pow{b}_two_hash = {curves['two hashes, summed'][-1]:.4f}")
    print(f"quality_2pow{b}_frequency_aware = {curves['frequent ids exact, rest hashed'][-1]:.4f}")
    print(f"quality_2pow{b}_quotient_remainder = {curves['quotient-remainder, summed'][-1]:.4f}")
    print(f"two_hash_gain_2pow{b} = {1 - curves['two hashes, summed'][-1] / curves['one hash'][-1]:.3f}")
# Is the second hash's gain a property of these two hash functions?  Three other
# seed pairs at 2^14 rows.
gains = []
for s1, s2 in [(3, 4), (5, 6), (7, 8)]:
    h1, h2 = hash64(ids, seed=s1), hash64(ids, seed=s2)
    one = test_error(fit_rows(low_bits(h1, 14), 2**14))
    two = test_error(fit_sum(low_bits(h1, 13), low_bits(h2, 13), 2**13, 2**13))
    gains.append(1 - two / one)
print(f"two_hash_gain_other_seeds_min = {min(gains):.3f}")
print(f"two_hash_gain_other_seeds_max = {max(gains):.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.8))
left.plot(bits, expected, "-", color="#999999", label="ids colliding, formula")
left.plot(bits, id_share, "o", color="#b5523b", label="ids colliding, measured")
left.plot(bits, contamination, "s-", color="#4a7a96", label="row traffic from other ids")
left.plot(bits, not_owner, "^-", color="#d99a5e", label="traffic not owning its row")
left.set_xticks(bits)
left.set_xlabel("log2 of the number of rows")
left.set_ylabel("share")
left.set_title(f"{n_ids:,} ids, Zipf traffic")
left.legend(fontsize=7.5)
styles = ["o-", "s-", "^-", "d-"]
colors = ["#b5523b", "#4a7a96", "#2f7d4f", "#8a6bb0"]
for (name, errs), style, color in zip(curves.items(), styles, colors):
    right.plot(sizes, errs, style, color=color, label=name)
right.axhline(full_error, color="#222222", ls="--", lw=1, label="full table (200,000 rows)")
right.set_xticks(sizes)
right.set_xlabel("log2 of the number of rows")
right.set_ylabel("error on true effects (MSE)")
right.set_title("Learning a per-id effect from 2M events")
right.legend(fontsize=7.5)
fig.tight_layout()
fig.savefig(IMG / "hashed_id_embeddings.png", dpi=120)
# Embeddings for huge ID spaces:3 ends here
