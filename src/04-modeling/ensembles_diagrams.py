# [[file:../../primer.org::*Ensembles][Ensembles:1]]
"""Diagrams drawn by code: bagging (models on bootstrap samples, averaged),
boosting (shallow trees in sequence, each fitted to the residuals of the sum so
far) and stacking with out-of-fold meta-features."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
BLUE, GREEN, ORANGE, GREY, RED = "#dfe9f0", "#dcebd5", "#f6e3c8", "#eeeeee", "#b5523b"


def box(ax, x, y, text, color=BLUE, w=1.5, h=0.7, fontsize=8):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc=color, ec="#333333", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, a, b, text="", color="#333333", offset=(0, 0.12), style="-"):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=11, color=color,
                                 lw=1.1, linestyle=style))
    if text:
        ax.text((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1], text,
                ha="center", fontsize=7, color=color)


def rows(ax, x, y, counts, w=1.2, h=0.32):
    """A strip of 8 training rows; each cell shows how often the row was drawn."""
    cell = w / len(counts)
    for i, c in enumerate(counts):
        shade = ["#ffffff", "#c9dbe8", "#8fb3cc", "#4a7a96"][min(c, 3)]
        ax.add_patch(plt.Rectangle((x - w / 2 + i * cell, y - h / 2), cell, h, fc=shade,
                                   ec="#555555", lw=0.6))
        ax.text(x - w / 2 + (i + 0.5) * cell, y, str(c), ha="center", va="center",
                fontsize=6, color="#222222" if c < 3 else "white")


def canvas(ax, title, width, height):
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    ax.set_title(title, fontsize=10, loc="left")


rng = np.random.default_rng(0)
fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7.4))

# Bagging: B bootstrap samples, one deep tree each, averaged.
canvas(top, "Bagging: independent models on bootstrap samples, averaged (parallel)", 11, 4)
rows(top, 1.0, 2.0, [1] * 8)
top.text(1.0, 2.4, "training rows", ha="center", fontsize=8)
for k, y in enumerate([3.3, 2.0, 0.7]):
    counts = np.bincount(rng.integers(0, 8, 8), minlength=8)
    rows(top, 3.6, y, counts)
    label = f"bootstrap sample {k + 1}" if k < 2 else "bootstrap sample B"
    top.text(3.6, y + 0.36, label, ha="center", fontsize=7)
    arrow(top, (1.65, 2.0), (2.95, y))
    box(top, 6.0, y, "deep tree" if k < 2 else "deep tree B", GREEN, w=1.3, h=0.5)
    arrow(top, (4.25, y), (5.35, y), "fit")
    arrow(top, (6.65, y), (8.1, 2.0))
top.text(3.6, 1.35, "...", ha="center", fontsize=12)
top.text(6.0, 1.35, "...", ha="center", fontsize=12)
box(top, 8.8, 2.0, "average\n(or vote)", ORANGE, w=1.3, h=0.8)
arrow(top, (9.45, 2.0), (10.3, 2.0))
top.text(10.4, 2.0, "$\\hat f$", va="center", fontsize=11)
top.text(3.6, 0.05, "rows drawn with replacement: about 63% appear, some twice, the rest are out of bag",
         ha="center", fontsize=7, color=RED)

# Boosting: M shallow trees in sequence, each fitted to the residuals of the sum so far.
canvas(bottom, "Boosting: each shallow tree fits what the ensemble so far gets wrong (sequential)",
       11, 4)
rows(bottom, 1.0, 2.8, [1] * 8)
bottom.text(1.0, 3.2, "training rows $(x_i, y_i)$", ha="center", fontsize=8)
box(bottom, 1.0, 1.2, "$F_0$ = constant\n(log-odds of the base rate)", ORANGE, w=1.8, h=0.6,
    fontsize=7)
arrow(bottom, (1.0, 2.6), (1.0, 1.52), "mean label", offset=(-0.45, 0.0))
arrow(bottom, (1.65, 2.95), (2.88, 2.95), "features $x_i$", color="#777777", style="--",
      offset=(0, 0.1))
xs = [3.6, 6.2, 8.8]
for k, (x, h) in enumerate(zip(xs, ["h_1", "h_2", "h_M"])):
    before = "F_{M-1}" if k == 2 else f"F_{k}"
    after = "F_M" if k == 2 else f"F_{k + 1}"
    box(bottom, x, 2.8, f"shallow tree ${h}$", GREEN, w=1.4, h=0.55)
    box(bottom, x, 1.2, f"${after} = {before} + \\nu\\, {h}$", ORANGE, w=1.9, h=0.55)
    arrow(bottom, (x, 2.5), (x, 1.5))
    src = (1.9, 1.45) if k == 0 else (xs[k - 1] + 0.95, 1.45)
    if k == 2:
        src = (7.6, 1.75)
    arrow(bottom, src, (x - 0.72, 2.6), f"residuals of ${before}$", offset=(-0.45, 0.0))
bottom.text(7.45, 1.55, "...", ha="center", va="center", fontsize=12)
arrow(bottom, (9.75, 1.2), (10.3, 1.2))
bottom.text(10.4, 1.2, "$F_M$", va="center", fontsize=11)
bottom.text(5.5, 0.35, "residual $r_i = -\\partial L(y_i, F(x_i)) / \\partial F$ (for squared "
            "loss, $y_i - F(x_i)$); the learning rate $\\nu$ and early stopping on held-out "
            "rows limit overfitting", ha="center", fontsize=7, color=RED)
fig.tight_layout()
fig.savefig(IMG / "ensembles_diagrams-bagging_boosting.png", dpi=120)
# Ensembles:1 ends here

# [[file:../../primer.org::*Stacking][Stacking:1]]
# Stacking with out-of-fold meta-features.
fig, ax = plt.subplots(figsize=(11, 4.2))
canvas(ax, "Stacking: the meta-model learns from predictions on rows the base model did not see",
       11, 4.4)
K = 5
for f in range(K):
    y = 3.6 - f * 0.55
    for g in range(K):
        ax.add_patch(plt.Rectangle((0.3 + g * 0.32, y - 0.18), 0.32, 0.36,
                                   fc=ORANGE if g == f else BLUE, ec="#555555", lw=0.6))
    ax.text(2.05, y, f"fold {f + 1}", va="center", fontsize=7)
ax.text(1.1, 4.1, "train on blue, predict orange", ha="center", fontsize=7)
box(ax, 4.0, 2.5, "base models\n(logistic, tree,\nboosting, k-NN)", GREEN, w=1.7, h=1.0)
arrow(ax, (2.6, 2.5), (3.1, 2.5))
for c in range(4):                        # the out-of-fold table: one column per model
    for r in range(K):
        ax.add_patch(plt.Rectangle((5.6 + c * 0.35, 3.5 - r * 0.4), 0.35, 0.4, fc=ORANGE,
                                   ec="#555555", lw=0.6))
ax.text(6.3, 4.1, "out-of-fold predictions", ha="center", fontsize=7)
for c, name in enumerate(["LR", "tree", "GB", "kNN"]):
    ax.text(5.775 + c * 0.35, 1.65, name, ha="center", fontsize=6.5)
for r in range(K):
    ax.text(7.05, 3.7 - r * 0.4, f"rows of fold {r + 1}", va="center", fontsize=6.5)
arrow(ax, (4.9, 2.5), (5.5, 2.5))
box(ax, 9.4, 2.5, "meta-model\n(logistic regression)", ORANGE, w=1.8, h=0.8)
arrow(ax, (7.9, 2.5), (8.45, 2.5))
ax.text(5.5, 0.75, "serving: each base model is refitted on all training rows; its prediction "
        "for a new row feeds the meta-model", ha="center", fontsize=7.5)
ax.text(5.5, 0.3, "the leak: fitting the meta-model on predictions for the base models' own "
        "training rows, which a memorising model gets right", ha="center", fontsize=7.5,
        color=RED)
fig.tight_layout()
fig.savefig(IMG / "ensembles_diagrams-stacking.png", dpi=120)
print(f"figures = {len(list(IMG.glob('ensembles_diagrams-*.png')))}")
# Stacking:1 ends here
