# [[file:../../primer.org::*Slice-based evaluation][Slice-based evaluation:1]]
"""Simpson's paradox in model comparison, an improvement that hides a regression on
one slice, and an automatic slice finder with and without a multiple-testing
correction.

Data: synthetic rows with four categorical features (country, device, age band,
channel).  For the slice finder a model's per-row error probability is planted:
10 % everywhere, 25 % for one country on one device.  The finder is run on 100
independent data sets to count its false and true discoveries.
"""
import itertools

import numpy as np
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

rng = np.random.default_rng(0)


def accuracy_by_slice(correct, new_user):
    return correct[new_user].mean(), correct[~new_user].mean(), correct.mean()


# 1a. Overall up, an important slice down.  Same 40,000 test rows for both models;
# 10 % of rows are new users, where the new model is worse.
n = 40_000
new_user = rng.random(n) < 0.10
p_old = np.where(new_user, 0.80, 0.85)
p_new = np.where(new_user, 0.75, 0.88)
u = rng.random(n)                       # common random numbers: paired outcomes
old_right, new_right = u < p_old, u < p_new
for name, right in [("old", old_right), ("new", new_right)]:
    new_acc, returning_acc, overall = accuracy_by_slice(right, new_user)
    print(f"{name}_accuracy = {overall:.4f}")
    print(f"{name}_accuracy_new_users = {new_acc:.4f}")
    print(f"{name}_accuracy_returning = {returning_acc:.4f}")
d = new_right.astype(float) - old_right
print(f"overall_gain = {d.mean():.4f}")
print(f"overall_gain_se = {d.std(ddof=1) / np.sqrt(n):.4f}")
print(f"new_user_gain = {d[new_user].mean():.4f}")
print(f"new_user_gain_se = {d[new_user].std(ddof=1) / np.sqrt(new_user.sum()):.4f}")

# 1b. Simpson's paradox: model A scored on week 1 (20 % new users), model B on
# week 2 (60 % new users, after a marketing campaign).  B is better in both slices.
def week(n_rows, share_new, acc_new, acc_returning):
    is_new = rng.random(n_rows) < share_new
    right = rng.random(n_rows) < np.where(is_new, acc_new, acc_returning)
    return accuracy_by_slice(right, is_new)


a_new, a_ret, a_all = week(40_000, 0.2, 0.70, 0.90)
b_new, b_ret, b_all = week(40_000, 0.6, 0.74, 0.92)
print(f"simpson_a_overall = {a_all:.4f}\nsimpson_b_overall = {b_all:.4f}")
print(f"simpson_a_new = {a_new:.4f}\nsimpson_b_new = {b_new:.4f}")
print(f"simpson_a_returning = {a_ret:.4f}\nsimpson_b_returning = {b_ret:.4f}")
# B re-weighted to A's mix of slices (direct standardisation):
print(f"simpson_b_at_a_mix = {0.2 * b_new + 0.8 * b_ret:.4f}")
# Slice-based evaluation:1 ends here

# [[file:../../primer.org::*Slice-based evaluation][Slice-based evaluation:2]]
# 2. Automatic slice finding with a multiple-testing correction.
LEVELS = {"country": 8, "device": 3, "age": 5, "channel": 4}


def one_data_set(n_rows=20_000):
    cols = {f: rng.integers(0, k, n_rows) for f, k in LEVELS.items()}
    bad = (cols["country"] == 3) & (cols["device"] == 1)
    p_err = np.where(bad, 0.25, 0.10)
    return cols, p_err, rng.random(n_rows) < p_err


def slices(cols):
    names = list(LEVELS)
    for f in names:
        for v in range(LEVELS[f]):
            yield f"{f}={v}", cols[f] == v
    for f, g in itertools.combinations(names, 2):
        for v in range(LEVELS[f]):
            for w in range(LEVELS[g]):
                yield f"{f}={v}&{g}={w}", (cols[f] == v) & (cols[g] == w)


def larger_ztest(err, masks):
    """One-sided pooled two-proportion z-test of each slice against the rest, vectorised."""
    k1, n1 = masks @ err, masks.sum(axis=1)
    k2, n2 = err.sum() - k1, len(err) - n1
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return norm.sf(z)


found = {"uncorrected": [], "bonferroni": [], "bh": []}
false_found = {k: [] for k in found}
planted_found = {k: [] for k in found}
n_slices = []
for run in range(100):
    cols, p_err, err = one_data_set()
    named = [(name, mask) for name, mask in slices(cols) if mask.sum() >= 50]
    names = [name for name, _ in named]
    masks = np.array([mask for _, mask in named], dtype=float)
    pvals = larger_ztest(err.astype(float), masks)
    if run == 0:      # the vectorised test against statsmodels, slice by slice
        lib = [proportions_ztest([err[m].sum(), err[~m].sum()], [m.sum(), (~m).sum()],
                                 alternative="larger")[1] for _, m in named]
        print(f"ztest_vs_statsmodels_max_diff = {np.abs(pvals - lib).max():.1e}")
    # Truly worse by construction: the slice is defined by the planted country or the
    # planted device (or both) and excludes neither, so its expected error rate is higher.
    # (Slices such as age=2 hold a random share of the planted rows and are not counted.)
    conds = [dict(part.split("=") for part in name.split("&")) for name in names]
    truly_worse = np.array([("country" in c or "device" in c) and c.get("country", "3") == "3"
                            and c.get("device", "1") == "1" for c in conds])
    n_slices.append(len(pvals))
    flags = {"uncorrected": pvals < 0.05,
             "bonferroni": multipletests(pvals, 0.05, method="bonferroni")[0],
             "bh": multipletests(pvals, 0.05, method="fdr_bh")[0]}
    for k, f in flags.items():
        found[k].append(f.sum())
        false_found[k].append(np.sum(f & ~truly_worse))
        planted_found[k].append(f[names.index("country=3&device=1")])
print(f"slices_tested = {np.mean(n_slices):.0f}")
print(f"truly_worse_slices = {truly_worse.sum()}")
for k in found:
    fd = np.array(false_found[k], dtype=float)
    print(f"{k}_flagged = {np.mean(found[k]):.1f}")
    print(f"{k}_false_flags = {fd.mean():.2f}")
    print(f"{k}_false_flags_se = {fd.std(ddof=1) / np.sqrt(len(fd)):.2f}")
    share = fd / np.maximum(found[k], 1)
    print(f"{k}_false_discovery_share = {share.mean():.3f}")
    print(f"{k}_runs_with_a_false_flag = {np.mean(fd > 0):.2f}")
    print(f"{k}_planted_found = {np.mean(planted_found[k]):.2f}")
# Slice-based evaluation:2 ends here
