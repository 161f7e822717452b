# [[file:../../primer.org::*Services and events][Services and events:1]]
"""Diagrams drawn by code: request/response services vs an event-driven design
(a pub/sub topic and a message queue), and batch vs stream processing."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
BLUE, GREEN, ORANGE, GREY, RED = "#dfe9f0", "#dcebd5", "#f6e3c8", "#eeeeee", "#b5523b"


def box(ax, x, y, text, color=BLUE, w=1.7, h=0.7, fontsize=8):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc=color, ec="#333333", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, a, b, text="", color="#333333", style="-", rad=0.0, offset=(0, 0.12)):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=11, color=color,
                                 lw=1.1, linestyle=style,
                                 connectionstyle=f"arc3,rad={rad}"))
    if text:
        ax.text((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1], text,
                ha="center", fontsize=7, color=color)


def canvas(ax, title, width, height):
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    ax.set_title(title, fontsize=10)


# 1. Request/response vs event-driven ------------------------------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
canvas(left, "Request/response: the caller waits for every hop", 5.6, 5)
box(left, 0.9, 2.5, "app / client", GREY, w=1.3)
box(left, 2.9, 2.5, "ranking\nservice")
box(left, 4.8, 4.0, "feature\nservice", w=1.3)
box(left, 4.8, 2.5, "model\nservice", w=1.3)
box(left, 4.8, 1.0, "user\ndatabase", ORANGE, w=1.3)
for y in (4.0, 2.5, 1.0):
    arrow(left, (3.75, 2.5 + (y - 2.5) * 0.15), (4.15, y), color="#333333")
arrow(left, (1.55, 2.6), (2.05, 2.6), "request")
arrow(left, (2.05, 2.35), (1.55, 2.35), "response", offset=(0, -0.3))
left.text(2.8, 0.2, "latency adds up along the chain; if one callee is slow\n"
          "or down, every caller above it is too", ha="center", fontsize=7.5, color=RED)

canvas(right, "Event-driven: producers publish, consumers subscribe", 6, 5)
box(right, 0.8, 4.1, "checkout\nservice", GREY, w=1.2)
box(right, 0.8, 2.9, "web app\n(clicks)", GREY, w=1.2)
box(right, 2.6, 3.5, "topic \"events\"\n(pub/sub log)", ORANGE, w=1.5, h=0.9)
arrow(right, (1.4, 4.1), (1.85, 3.75), "publish", offset=(-0.05, 0.2))
arrow(right, (1.4, 2.9), (1.85, 3.25))
for y, name in [(4.5, "feature pipeline"), (3.5, "fraud model"), (2.5, "email sender")]:
    box(right, 4.9, y, name, w=1.6, h=0.55)
    arrow(right, (3.35, 3.5), (4.1, y))
right.text(4.9, 1.95, "each subscriber gets its own copy,\nread at its own pace",
           ha="center", fontsize=7)
box(right, 0.8, 0.9, "API: enqueue\njob", GREY, w=1.2, h=0.6)
box(right, 2.6, 0.9, "queue\n\"scoring jobs\"", ORANGE, w=1.5, h=0.6)
arrow(right, (1.4, 0.9), (1.85, 0.9))
for y, name in [(1.4, "worker 1"), (0.9, "worker 2"), (0.4, "worker 3")]:
    box(right, 4.9, y, name, GREEN, w=1.0, h=0.38, fontsize=7)
    arrow(right, (3.35, 0.9), (4.4, y))
right.text(3.0, 0.0, "competing consumers: each message goes to exactly one worker",
           ha="center", fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "data_architecture_diagrams-services.png", dpi=120)
# Services and events:1 ends here

# [[file:../../primer.org::*Batch and stream processing][Batch and stream processing:1]]
# 2. Batch vs stream ------------------------------------------------------------
fig, ax = plt.subplots(figsize=(11, 4.2))
canvas(ax, "", 11, 4.4)
ax.text(0.1, 4.1, "Batch: bounded input, run on a schedule", fontsize=9, weight="bold")
box(ax, 1.2, 3.2, "OLTP database\n(row store)", ORANGE, w=1.8)
box(ax, 3.5, 3.2, "nightly export /\nchange capture", GREY, w=1.8)
box(ax, 5.8, 3.2, "warehouse, data lake\n(column store, Parquet)", ORANGE, w=2.1)
box(ax, 8.1, 3.2, "batch job: features,\ntraining, predictions", w=1.9)
box(ax, 10.1, 3.2, "tables for\nserving", GREEN, w=1.4)
for a, b in [(2.1, 2.6), (4.4, 4.75), (6.85, 7.15), (9.05, 9.4)]:
    arrow(ax, (a, 3.2), (b, 3.2))
ax.text(10.9, 2.45, "results are as old as the last run (hours); simple to recompute and backfill",
        ha="right", fontsize=7.5)
ax.text(0.1, 1.85, "Stream: events processed as they arrive", fontsize=9, weight="bold")
box(ax, 1.2, 0.95, "app events\n(clicks, orders)", GREY, w=1.8)
box(ax, 3.5, 0.95, "event log / topic\n(Kafka-style)", ORANGE, w=1.8)
box(ax, 5.8, 0.95, "stream processor:\nwindowed aggregates", w=2.1)
box(ax, 8.1, 0.95, "online feature store\n(key-value)", ORANGE, w=1.9)
box(ax, 10.1, 0.95, "model at\nrequest time", GREEN, w=1.4)
for a, b in [(2.1, 2.6), (4.4, 4.75), (6.85, 7.15), (9.05, 9.4)]:
    arrow(ax, (a, 0.95), (b, 0.95))
ax.text(10.9, 0.2, "features seconds old; harder to get exactly right (late events, restarts, state)",
        ha="right", fontsize=7.5)
arrow(ax, (3.9, 1.3), (5.3, 2.85), style="--", color="#4a7a96", rad=-0.15)
ax.text(4.95, 1.7, "the same log, archived,\nfeeds the batch side", fontsize=7, color="#4a7a96")
fig.savefig(IMG / "data_architecture_diagrams-batch_stream.png", dpi=120, bbox_inches="tight")
print(f"figures = {2}")
# Batch and stream processing:1 ends here
