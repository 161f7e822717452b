# [[file:../../primer.org::*Detecting distribution shift][Detecting distribution shift:1]]
"""Detecting shift: two-sample tests, significance against impact, false alarms.

Every shift is planted, so every alarm is known to be true or false.
 1. One feature: KS test, chi-square on deciles and PSI, for a tiny shift on a huge
    sample and a large shift on a small one.
 2. Many features at once: a shift in the correlation of two features leaves every
    marginal unchanged; per-feature KS tests, an MMD permutation test and a
    classifier two-sample test (domain-classifier AUC) are compared.
 3. False alarms over 50 unshifted features: no correction, Bonferroni, and
    Benjamini-Hochberg (scipy.stats.false_discovery_control).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import binom, chi2_contingency, false_discovery_control, ks_2samp, kstwobign, norm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import PolynomialFeatures
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
rng = np.random.default_rng(0)


def psi(ref, new, bins=10):
    """Population stability index over the reference sample's deciles."""
    edges = np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1]
    a = np.bincount(np.searchsorted(edges, ref), minlength=bins) / len(ref)
    b = np.bincount(np.searchsorted(edges, new), minlength=bins) / len(new)
    a, b = np.clip(a, 1e-6, None), np.clip(b, 1e-6, None)
    return float(np.sum((b - a) * np.log(b / a)))


def decile_chi2(ref, new, bins=10):
    edges = np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1]
    table = [np.bincount(np.searchsorted(edges, x), minlength=bins) for x in (ref, new)]
    return chi2_contingency(table)[1]


# 1. Significance is not impact.
for name, n, shift in [("tiny_huge", 1_000_000, 0.01), ("large_small", 200, 0.5)]:
    ref, new = rng.normal(size=n), rng.normal(shift, 1, size=n)
    print(f"{name}_ks_p = {ks_2samp(ref, new).pvalue:.2g}")
    print(f"{name}_chi2_p = {decile_chi2(ref, new):.2g}")
    print(f"{name}_psi = {psi(ref, new):.4f}")


# 2. A shift no marginal test can see: two features' correlation goes from 0 to 0.6.
def correlated(n, rho, d=5):
    x = rng.normal(size=(n, d))
    x[:, 1] = rho * x[:, 0] + np.sqrt(1 - rho ** 2) * x[:, 1]
    return x


def mmd_test(a, b, perms=200):
    """MMD^2 with a Gaussian kernel (median heuristic, diagonal removed) and its
    permutation p-value.  With weights w = +1/n on one sample and -1/n on the other,
    MMD^2 = w' K w, so all permutations are one matrix product."""
    z = np.vstack([a, b])
    sq = (z ** 2).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * z @ z.T, 0)
    kern = np.exp(-d2 / np.median(d2[d2 > 0]))
    np.fill_diagonal(kern, 0.0)
    n = len(a)
    w = np.r_[np.full(n, 1 / n), np.full(len(b), -1 / len(b))]
    shuffled = np.array([rng.permutation(w) for _ in range(perms)])
    null = np.sum((shuffled @ kern) * shuffled, axis=1)
    observed = w @ kern @ w
    return observed, (1 + np.sum(null >= observed)) / (1 + perms)


def classifier_test(a, b):
    """Domain-classifier AUC (out of fold); with pairwise products so it can see correlations."""
    z = PolynomialFeatures(2, include_bias=False).fit_transform(np.vstack([a, b]))
    d = np.r_[np.zeros(len(a)), np.ones(len(b))]
    score = cross_val_predict(LogisticRegression(max_iter=1000), z, d, cv=5,
                              method="predict_proba")[:, 1]
    auc = roc_auc_score(d, score)
    # Under no shift the AUC is that of random scores: Mann-Whitney null, sd sqrt((n+n+1)/(12 n n))
    sd0 = np.sqrt((2 * len(a) + 1) / (12 * len(a) * len(a)))
    return auc, auc / sd0 - 0.5 / sd0


REPS, N2 = 20, 400
detected = {"ks": [], "mmd": [], "clf": []}
aucs = {0.0: [], 0.6: []}
null_alarms = np.zeros(3)
for rho in (0.0, 0.6):
    for _ in range(REPS):
        a, b = correlated(N2, 0.0), correlated(N2, rho)
        p_ks = min(1.0, a.shape[1] * min(ks_2samp(a[:, j], b[:, j]).pvalue for j in range(a.shape[1])))
        mmd, p_mmd = mmd_test(a, b)
        auc, z = classifier_test(a, b)
        aucs[rho].append(auc)
        if rho == 0:
            null_alarms += np.array([p_ks < 0.05, p_mmd < 0.05, z > 1.645])
        else:
            detected["ks"].append(p_ks < 0.05)
            detected["mmd"].append(p_mmd < 0.05)
            detected["clf"].append(z > 1.645)
for k, v in detected.items():
    print(f"corr_shift_power_{k} = {np.mean(v):.2f}")
for k, v in zip(["ks", "mmd", "clf"], null_alarms / REPS):
    print(f"no_shift_alarm_{k} = {v:.2f}")
print(f"no_shift_alarm_mc_error = {np.sqrt(0.05 * 0.95 / REPS):.2f}")
k_clf = int(round(null_alarms[2]))               # how likely is that many alarms from a 5 % test?
print(f"no_shift_alarm_clf_chance = {binom.sf(k_clf - 1, REPS, 0.05):.3f}")
print(f"domain_auc_no_shift = {np.mean(aucs[0.0]):.3f}")
print(f"domain_auc_corr_shift = {np.mean(aucs[0.6]):.3f}")


# 3. Fifty unshifted features, tested every day: how often does someone get paged?
def ks_columns(a, b):
    """Two-sample KS test on every column at once (asymptotic p-values, equal sizes)."""
    n = len(a)
    z = np.vstack([a, b])
    order = np.argsort(z, axis=0, kind="stable")
    step = np.where(order < n, 1.0 / n, -1.0 / n)  # walk the pooled sample: +1/n for a, -1/n for b
    stat = np.abs(np.cumsum(step, axis=0)).max(axis=0)
    return kstwobign.sf(stat * np.sqrt(n / 2))


a, b = rng.normal(size=(2_000, 3)), rng.normal(0.1, 1, size=(2_000, 3))
check = [ks_2samp(a[:, j], b[:, j], method="asymp").pvalue for j in range(3)]
print(f"ks_vectorised_vs_scipy_max_diff = {np.abs(ks_columns(a, b) - check).max():.1e}")
DAYS, D, N3 = 400, 50, 1_000
family = {"none": 0, "bonferroni": 0, "bh": 0}
power = {"none": 0, "bonferroni": 0, "bh": 0}
for shifted in (0, 3):
    for _ in range(DAYS):
        ref = rng.normal(size=(N3, D))
        new = rng.normal(size=(N3, D))
        new[:, :shifted] += 0.2                    # three real shifts of 0.2 sd, when planted
        p = ks_columns(ref, new)
        flags = {"none": p < 0.05, "bonferroni": p < 0.05 / D,
                 "bh": false_discovery_control(p) < 0.05}
        for k, f in flags.items():
            if shifted == 0:
                family[k] += f.any()
            else:
                power[k] += f[:shifted].mean()
for k in family:
    print(f"false_page_rate_{k} = {family[k] / DAYS:.3f}")
    print(f"power_{k} = {power[k] / DAYS:.3f}")
print(f"false_page_rate_expected_none = {1 - 0.95 ** D:.3f}")
print(f"false_page_rate_mc_error = {np.sqrt(0.05 * 0.95 / DAYS):.3f}")
print(f"power_mc_error = {np.sqrt(0.25 / (3 * DAYS)):.3f}")     # at most, for a share of 1,200 trials

# 4. Two checks that need more draws than section 2 could afford (run last, so that the
#    numbers above keep their random stream).
# (a) The classifier test alone on 200 more unshifted pairs: its false-alarm rate, and the
#     spread of its null AUC against the textbook Mann-Whitney one it assumed.
NULL_REPS = 200
null_auc = np.array([classifier_test(correlated(N2, 0.0), correlated(N2, 0.0))[0] for _ in range(NULL_REPS)])
sd_textbook = np.sqrt((2 * N2 + 1) / (12 * N2 * N2))
print(f"clf_null_alarm_large = {np.mean(null_auc > 0.5 + 1.645 * sd_textbook):.3f}")
print(f"clf_null_alarm_large_mc_error = {np.sqrt(0.05 * 0.95 / NULL_REPS):.3f}")
print(f"clf_null_auc_sd_ratio = {null_auc.std(ddof=1) / sd_textbook:.2f}")
# (b) The PSI has a noise floor too.  The population PSI of a 0.5 sd shift over the deciles
#     of N(0, 1), and the mean PSI of two unshifted samples of 200 (approximately
#     (bins - 1) (1/n + 1/m), since n m / (n + m) PSI is close to chi-square with bins - 1 df).
edges = norm.ppf(np.linspace(0, 1, 11))
p_ref, p_new = np.diff(norm.cdf(edges)), np.diff(norm.cdf(edges - 0.5))
print(f"large_small_psi_population = {np.sum((p_new - p_ref) * np.log(p_new / p_ref)):.3f}")
print(f"psi_null_mean_200 = {np.mean([psi(rng.normal(size=200), rng.normal(size=200)) for _ in range(500)]):.3f}")
print(f"psi_null_approx_200 = {9 * (1 / 200 + 1 / 200):.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
names = ["per-feature KS\n(Bonferroni)", "MMD\n(permutation)", "domain\nclassifier"]
left.bar(names, [np.mean(detected[k]) for k in ["ks", "mmd", "clf"]], color="#4a7a96",
         label="correlation shifted")
left.bar(names, null_alarms / REPS, color="#b5523b", width=0.4, label="no shift")
left.set_ylabel("share of tests that fired")
left.set_title("A shift in correlation only", fontsize=10)
left.legend(fontsize=8)
x = np.arange(3)
right.bar(x - 0.2, [family[k] / DAYS for k in family], 0.4, color="#b5523b",
          label="days with a false page (no shift)")
right.bar(x + 0.2, [power[k] / DAYS for k in power], 0.4, color="#4a7a96",
          label="share of 3 real shifts caught")
right.set_xticks(x, ["no correction", "Bonferroni", "Benjamini-Hochberg"])
right.set_title("50 features tested daily", fontsize=10)
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "shift_detection.png", dpi=120)
# Detecting distribution shift:1 ends here
