# [[file:../../primer.org::*Learning rate against regularization rate][Learning rate against regularization rate:1]]
"""Learning rate against regularization rate in gradient descent on
ridge-regularized least squares: what each one controls.

Data: 200 rows, 10 correlated Gaussian features, a known linear truth plus
noise.  Loss L(w) = ||Xw - y||^2 / (2n); penalty (lam / 2) ||w||^2; update
w <- w - eta * (grad L(w) + lam * w) = (1 - eta * lam) * w - eta * grad L(w).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
np.seterr(over="ignore", invalid="ignore")       # the diverging runs overflow on purpose

n, p = 200, 10
cov = 0.6 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
X = rng.normal(size=(n, p)) @ np.linalg.cholesky(cov).T
y = X @ rng.normal(size=p) + rng.normal(size=n)
H, b = X.T @ X / n, X.T @ y / n                  # grad L(w) = H w - b
eigen = np.linalg.eigvalsh(H)
smooth, strong = eigen[-1], eigen[0]             # L-smoothness and strong convexity of L
print(f"smoothness_L = {smooth:.3f}")
print(f"strong_convexity_mu = {strong:.3f}")


def tag(x):
    """0.01 -> '0p01', for use in a printed key."""
    return f"{x:g}".replace(".", "p")


def ridge(lam):
    """The minimiser of L(w) + lam / 2 ||w||^2, in closed form."""
    return np.linalg.solve(H + lam * np.eye(p), b)


def descend(eta, lam, steps, decay=None):
    """Gradient descent from w = 0.  decay=None: the L2 penalty's gradient, a
    shrink of eta * lam per step.  decay=d: shrink by a fixed d per step,
    whatever eta is ("decoupled" weight decay).  Returns every iterate."""
    shrink = eta * lam if decay is None else decay
    w, path = np.zeros(p), []
    for _ in range(steps):
        w = (1 - shrink) * w - eta * (H @ w - b)
        path.append(w)
        if not np.all(np.isfinite(w)):
            break
    return np.array(path)
# Learning rate against regularization rate:1 ends here

# [[file:../../primer.org::*Learning rate against regularization rate][Learning rate against regularization rate:2]]
# 1. The regularization rate sets where descent ends up.
lams = [0.0, 0.01, 0.1, 1.0, 10.0]
worst = 0.0
for lam in lams:
    w_end = descend(1 / (smooth + lam), lam, 4000)[-1]
    worst = max(worst, np.abs(w_end - ridge(lam)).max())
    print(f"norm_lam_{tag(lam)} = {np.linalg.norm(w_end):.3f}")
print(f"gd_vs_closed_form_max_diff = {worst:.1e}")

# 2. The learning rate sets how fast, not where (as long as descent converges:
# eta * (smooth + lam) < 2).
lam = 0.1
eta_max = 2 / (smooth + lam)
target = ridge(lam)
fractions = [0.1, 0.25, 0.5, 0.9, 1.05]
runs, ends = {}, []
for frac in fractions:
    path = descend(frac * eta_max, lam, 2500)
    runs[frac] = np.linalg.norm(path - target, axis=1)
    done = np.flatnonzero(runs[frac] < 1e-8 * np.linalg.norm(target))
    print(f"steps_eta_{int(frac * 100)}pct = {done[0] + 1 if len(done) else 'never'}")
    if frac < 1:
        ends.append(path[-1])
print(f"eta_max = {eta_max:.3f}")
print(f"end_points_max_spread = {np.ptp(np.array(ends), axis=0).max():.1e}")


def steps_to_blow_up(path):
    norms = np.linalg.norm(np.nan_to_num(path, nan=np.inf), axis=1)
    return int(np.argmax(norms > 1e6)) + 1


print(f"blow_up_steps_105pct = {steps_to_blow_up(descend(1.05 * eta_max, lam, 2500))}")
# A learning rate that was safe for lam = 0.1 is not safe for lam = 2.
eta = 0.9 * eta_max
print(f"eta_times_L_plus_lam_at_lam2 = {eta * (smooth + 2.0):.2f}")
print(f"blow_up_steps_lam2_same_eta = {steps_to_blow_up(descend(eta, 2.0, 2500))}")
# Learning rate against regularization rate:2 ends here

# [[file:../../primer.org::*Learning rate against regularization rate][Learning rate against regularization rate:3]]
# 3. Where a larger learning rate does pull weights away from zero.
budget = 15
etas = np.linspace(0.05, 0.5, 10) * eta_max       # up to 1 / (smooth + lam): no oscillation
early = [np.linalg.norm(descend(e, lam, budget)[-1]) for e in etas]
final = [np.linalg.norm(descend(e, lam, 3000)[-1]) for e in etas]
d = 0.01
decoupled = [np.linalg.norm(descend(e, lam, 3000, decay=d)[-1]) for e in etas]
print(f"early_norm_low_eta = {early[0]:.3f}")
print(f"early_norm_high_eta = {early[-1]:.3f}")
print(f"final_norm_spread = {max(final) - min(final):.1e}")
print(f"decoupled_norm_low_eta = {decoupled[0]:.3f}")
print(f"decoupled_norm_high_eta = {decoupled[-1]:.3f}")
# With a fixed decay d the fixed point is the ridge solution for lam = d / eta.
w_dec = descend(etas[3], lam, 3000, decay=d)[-1]
print(f"decoupled_vs_ridge_d_over_eta = {np.abs(w_dec - ridge(d / etas[3])).max():.1e}")

# 4. A weight the data never touches (its feature is always 0, say a category
# absent from this training window) only decays: w_t = (1 - eta * lam)^t w_0.
# Any eta and lam with the same product decay it identically.
for eta_, lam_ in [(0.5, 0.02), (0.1, 0.1), (0.01, 1.0)]:
    w_dead = 1.0
    for _ in range(100):
        w_dead = (1 - eta_ * lam_) * w_dead - eta_ * 0.0   # its gradient is zero
    print(f"dead_weight_eta_{tag(eta_)}_lam_{tag(lam_)} = {w_dead:.4f}")
print(f"dead_weight_formula = {(1 - 0.01) ** 100:.4f}")

fig, axes = plt.subplots(1, 3, figsize=(11.5, 3.6))
grid = np.logspace(-3, 1.5, 60)
axes[0].plot(grid, [np.linalg.norm(ridge(g)) for g in grid], color="#999999",
             label="closed form")
axes[0].plot([l for l in lams if l > 0],
             [np.linalg.norm(descend(1 / (smooth + l), l, 4000)[-1]) for l in lams if l > 0],
             "o", color="#b5523b", label="gradient descent")
axes[0].set_xscale("log")
axes[0].set_xlabel(r"regularization rate $\lambda$")
axes[0].set_ylabel("norm of the final weights")
axes[0].legend(fontsize=8)
for frac in fractions:
    axes[1].plot(runs[frac], label=fr"$\eta$ = {frac:g} $\eta_{{max}}$")
axes[1].set_yscale("log")
axes[1].set_ylim(1e-12, 1e3)
axes[1].set_xlabel("step")
axes[1].set_ylabel("distance to the ridge solution")
axes[1].set_title(fr"$\lambda$ = {lam}", fontsize=10)
axes[1].set_xlim(0, 1600)
axes[1].legend(fontsize=7)
axes[2].plot(etas / eta_max, early, "o-", label=f"coupled, after {budget} steps")
axes[2].plot(etas / eta_max, final, "s-", label="coupled, converged")
axes[2].plot(etas / eta_max, decoupled, "^-", label=f"decoupled d = {d}, converged")
axes[2].set_xlabel(r"learning rate $\eta$ / $\eta_{max}$")
axes[2].set_ylabel("norm of the weights")
axes[2].legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "regularization_lr.png", dpi=120)
# Learning rate against regularization rate:3 ends here
