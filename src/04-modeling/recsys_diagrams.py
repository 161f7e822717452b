# [[file:../../primer.org::*The diagrams][The diagrams:1]]
"""Block diagrams of six recommender architectures, drawn with matplotlib patches:
Wide & Deep, Deep & Cross (DCN-V2), two-tower, DLRM, shared-bottom multitask and MMoE.
The boxes follow the PyTorch modules of recsys_architectures.py and recsys_multitask.py."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
COLOURS = {"input": "#d9d9d9", "embed": "#9ecae1", "mlp": "#fdd0a2", "cross": "#f4a6a6",
           "out": "#555555", "gate": "#c7e9c0"}


def box(ax, x, y, text, kind, w=0.26, h=0.085):
    """A rounded box centred at (x, y) in axes coordinates (0-1)."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.01",
                                fc=COLOURS[kind], ec="#333333", lw=0.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=7.5,
            color="white" if kind == "out" else "black")
    return (x, y, w, h)


def arrow(ax, a, b):
    """An arrow from the top of box a to the bottom of box b."""
    (xa, ya, _, ha), (xb, yb, _, hb) = a, b
    ax.add_patch(FancyArrowPatch((xa, ya + ha / 2 + 0.01), (xb, yb - hb / 2 - 0.01),
                                 arrowstyle="-|>", mutation_scale=8, lw=0.8, color="#333333"))


def side_arrow(ax, a, b, x_route):
    """A dashed elbow arrow from the side of box a to the same side of box b, routed
    along the vertical line x = x_route: an input that bypasses the boxes between."""
    (xa, ya, wa, _), (xb, yb, wb, _) = a, b
    side = 1 if x_route > xa else -1
    start, end = xa + side * wa / 2, xb + side * (wb / 2 + 0.01)
    ax.plot([start, x_route, x_route], [ya, ya, yb], ls="--", lw=0.8, color="#333333")
    ax.add_patch(FancyArrowPatch((x_route, yb), (end, yb), arrowstyle="-|>",
                                 mutation_scale=8, lw=0.8, ls="--", color="#333333"))


def wide_and_deep(ax):
    sparse = box(ax, 0.5, 0.08, "sparse fields + dense", "input", w=0.5)
    crosses = box(ax, 0.2, 0.3, "crossed features\n(hand-made)", "cross")
    emb = box(ax, 0.72, 0.3, "embeddings", "embed")
    wide = box(ax, 0.2, 0.58, "linear (wide)", "mlp")
    deep = box(ax, 0.72, 0.58, "MLP 64-32 (deep)", "mlp")
    out = box(ax, 0.5, 0.86, "sum -> sigmoid", "out")
    for a, b in [(sparse, crosses), (sparse, emb), (crosses, wide), (emb, deep),
                 (wide, out), (deep, out)]:
        arrow(ax, a, b)


def deep_cross(ax):
    sparse = box(ax, 0.5, 0.08, "sparse fields + dense", "input", w=0.5)
    emb = box(ax, 0.5, 0.25, "embeddings ++ dense = x0", "embed", w=0.5)
    c1 = box(ax, 0.5, 0.42, "x1 = x0 * (W x0 + b) + x0", "cross", w=0.6)
    c2 = box(ax, 0.5, 0.58, "x2 = x0 * (W x1 + b) + x1", "cross", w=0.6)
    deep = box(ax, 0.5, 0.74, "MLP 64-32", "mlp")
    out = box(ax, 0.5, 0.9, "sigmoid", "out")
    for a, b in [(sparse, emb), (emb, c1), (c1, c2), (c2, deep), (deep, out)]:
        arrow(ax, a, b)


def two_tower(ax):
    u_in = box(ax, 0.25, 0.08, "user, segment,\ndevice, activity", "input", w=0.36)
    i_in = box(ax, 0.75, 0.08, "item, category,\nprice", "input", w=0.36)
    u_emb = box(ax, 0.25, 0.3, "embeddings", "embed")
    i_emb = box(ax, 0.75, 0.3, "embeddings", "embed")
    u_t = box(ax, 0.25, 0.52, "user tower -> u", "mlp")
    i_t = box(ax, 0.75, 0.52, "item tower -> v", "mlp")
    out = box(ax, 0.5, 0.8, "u . v -> sigmoid", "out")
    for a, b in [(u_in, u_emb), (i_in, i_emb), (u_emb, u_t), (i_emb, i_t), (u_t, out), (i_t, out)]:
        arrow(ax, a, b)
    ax.text(0.5, 0.95, "pair feature 'seen' has no tower", ha="center", fontsize=7.5,
            style="italic", color="#b5523b")


def dlrm(ax):
    sparse = box(ax, 0.25, 0.08, "sparse fields", "input")
    dense = box(ax, 0.75, 0.08, "dense features", "input")
    emb = box(ax, 0.25, 0.3, "embeddings", "embed")
    bottom = box(ax, 0.75, 0.3, "bottom MLP", "mlp")
    dots = box(ax, 0.5, 0.52, "all pairwise dot products", "cross", w=0.5)
    top = box(ax, 0.5, 0.72, "top MLP 64-32", "mlp")
    out = box(ax, 0.5, 0.9, "sigmoid", "out")
    for a, b in [(sparse, emb), (dense, bottom), (emb, dots), (bottom, dots), (dots, top),
                 (top, out)]:
        arrow(ax, a, b)
    side_arrow(ax, bottom, top, x_route=0.96)         # the dense vector also joins the top MLP


def shared_bottom(ax):
    x = box(ax, 0.5, 0.08, "embeddings ++ dense", "embed", w=0.45)
    bottom = box(ax, 0.5, 0.32, "shared MLP 16-16", "mlp", w=0.4)
    t1 = box(ax, 0.25, 0.6, "click tower", "mlp")
    t2 = box(ax, 0.75, 0.6, "like tower", "mlp")
    o1 = box(ax, 0.25, 0.86, "P(click)", "out")
    o2 = box(ax, 0.75, 0.86, "P(like)", "out")
    for a, b in [(x, bottom), (bottom, t1), (bottom, t2), (t1, o1), (t2, o2)]:
        arrow(ax, a, b)


def mmoe(ax):
    x = box(ax, 0.5, 0.06, "embeddings ++ dense", "embed", w=0.45)
    experts = [box(ax, 0.14 + 0.24 * k, 0.3, f"expert {k + 1}", "mlp", w=0.19) for k in range(4)]
    g1 = box(ax, 0.25, 0.52, "click gate\n(softmax mix)", "gate")
    g2 = box(ax, 0.75, 0.52, "like gate\n(softmax mix)", "gate")
    t1 = box(ax, 0.25, 0.72, "click tower", "mlp")
    t2 = box(ax, 0.75, 0.72, "like tower", "mlp")
    o1 = box(ax, 0.25, 0.9, "P(click)", "out")
    o2 = box(ax, 0.75, 0.9, "P(like)", "out")
    for e in experts:
        arrow(ax, x, e)
        arrow(ax, e, g1)
        arrow(ax, e, g2)
    for a, b in [(g1, t1), (g2, t2), (t1, o1), (t2, o2)]:
        arrow(ax, a, b)
    side_arrow(ax, x, g1, x_route=0.015)               # each gate reads the input
    side_arrow(ax, x, g2, x_route=0.985)


panels = [("Wide & Deep", wide_and_deep), ("Deep & Cross (DCN-V2)", deep_cross),
          ("Two-tower", two_tower), ("DLRM", dlrm),
          ("Multitask: shared bottom", shared_bottom), ("Multitask: MMoE", mmoe)]
fig, axes = plt.subplots(2, 3, figsize=(11, 7.2))
for ax, (title, draw) in zip(axes.flat, panels):
    draw(ax)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
handles = [FancyBboxPatch((0, 0), 1, 1, fc=c, ec="#333333") for c in COLOURS.values()]
fig.legend(handles, ["inputs", "embeddings", "MLP layers", "explicit crosses",
                     "output", "gates"], loc="lower center", ncol=6, fontsize=8, frameon=False)
fig.tight_layout(rect=(0, 0.04, 1, 1))
fig.savefig(IMG / "recsys_diagrams.png", dpi=120)
print(f"panels = {len(panels)}")
print(f"width_px = {fig.get_size_inches()[0] * 120:.0f}")
# The diagrams:1 ends here
