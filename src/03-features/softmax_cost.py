# [[file:../../primer.org::*Full softmax and sampled softmax][Full softmax and sampled softmax:1]]
"""What one training step costs with a full softmax over the vocabulary, and with
negative sampling and sampled softmax, as the vocabulary grows from 1,000 to 200,000
words (PyTorch, CPU, one thread, batch and dimension fixed).

Data: random input vectors and Zipf-distributed target words; only the cost matters.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)   # CPU time of one thread: repeatable on a shared machine
BATCH, DIM, NEGATIVES, SAMPLED = 32, 64, 20, 512
VOCABS = [1_000, 3_000, 10_000, 30_000, 100_000, 200_000]


def cpu_ms_per_step(step, budget=0.05, most=40):
    """Median CPU time of one call, after two warm-up calls."""
    step()
    step()
    times = []
    while len(times) < 3 or (sum(times) < budget and len(times) < most):
        start = time.process_time()
        step()
        times.append(time.process_time() - start)
    return 1000 * float(np.median(times))


def sgd(params, lr=0.1):
    """Plain SGD.  A dense gradient updates every row; a sparse one only its rows."""
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr)
            p.grad = None
# Full softmax and sampled softmax:1 ends here

# [[file:../../primer.org::*Full softmax and sampled softmax][Full softmax and sampled softmax:2]]
def steps_for(V):
    unigram = 1 / torch.arange(1, V + 1, dtype=torch.float64)       # Zipf's law
    unigram /= unigram.sum()
    noise = unigram ** 0.75 / (unigram ** 0.75).sum()
    # word2vec's trick: a big table of noise words makes each draw O(1), not O(V)
    table = torch.multinomial(noise, 1_000_000, replacement=True)
    log_q = torch.log(noise).float()
    h = torch.randn(BATCH, DIM, requires_grad=True)     # the model's output vectors
    target = torch.multinomial(unigram, BATCH, replacement=True)

    W = torch.nn.Parameter(0.01 * torch.randn(V, DIM))   # one output vector per word

    def full():                    # scores for all V words: O(V d) per example
        F.cross_entropy(h @ W.T, target).backward()
        sgd([W, h])

    def negative_sampling(emb):
        def step():                # the target and 20 noise words: O(21 d)
            noise_words = table[torch.randint(len(table), (BATCH, NEGATIVES))]
            positive = (h * emb(target)).sum(1)
            negative = (emb(noise_words) * h.unsqueeze(1)).sum(2)
            (F.softplus(-positive) + F.softplus(negative).sum(1)).mean().backward()
            sgd([emb.weight, h])
        return step

    sparse_out = torch.nn.Embedding(V, DIM, sparse=True)

    def sampled_softmax():         # softmax over the target and 512 shared candidates
        cand = table[torch.randint(len(table), (SAMPLED,))]
        true = (h * sparse_out(target)).sum(1, keepdim=True) - log_q[target].unsqueeze(1)
        other = h @ sparse_out(cand).T - log_q[cand]        # log Q corrects the sampling
        other = other.masked_fill(cand.unsqueeze(0) == target.unsqueeze(1), -1e9)
        F.cross_entropy(torch.cat([true, other], 1),
                        torch.zeros(BATCH, dtype=torch.long)).backward()
        sgd([sparse_out.weight, h])

    return {"negative sampling, sparse update": negative_sampling(
                torch.nn.Embedding(V, DIM, sparse=True)),
            "sampled softmax, sparse update": sampled_softmax,
            "negative sampling, dense update": negative_sampling(torch.nn.Embedding(V, DIM)),
            "full softmax": full}
# Full softmax and sampled softmax:2 ends here

# [[file:../../primer.org::*Full softmax and sampled softmax][Full softmax and sampled softmax:3]]
KEYS = {"full softmax": "full", "negative sampling, sparse update": "ns_sparse",
        "negative sampling, dense update": "ns_dense",
        "sampled softmax, sparse update": "sampled"}
ms = {label: [] for label in KEYS}
for V in VOCABS:
    for label, step in steps_for(V).items():
        ms[label].append(cpu_ms_per_step(step))
for label, key in KEYS.items():
    print(f"{key}_ms_1k = {ms[label][0]:.2f}")
    print(f"{key}_ms_200k = {ms[label][-1]:.2f}")
    print(f"{key}_growth = {ms[label][-1] / ms[label][0]:.1f}")
V = VOCABS[-1]
print(f"full_macs_per_example_200k = {V * DIM:,}")
print(f"ns_macs_per_example = {(NEGATIVES + 1) * DIM:,}")
print(f"full_logits_mb_200k = {BATCH * V * 4 / 1e6:.1f}")

fig, ax = plt.subplots(figsize=(8, 4.5))
styles = {"full": ("#b5523b", "o-"), "ns_sparse": ("#4a7a96", "s-"),
          "ns_dense": ("#d99a5e", "^--"), "sampled": ("#5b8c5a", "D-")}
for label, key in KEYS.items():
    colour, style = styles[key]
    ax.plot(VOCABS, ms[label], style, color=colour, label=label)
ref = np.array(VOCABS, dtype=float)
ax.plot(ref, ms["full softmax"][-1] * ref / ref[-1], ":", color="#999999",
        label="proportional to V")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("vocabulary size V")
ax.set_ylabel("CPU ms per training step")
ax.set_title(f"One step: batch {BATCH}, dimension {DIM}, forward + backward + update")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "softmax_cost.png", dpi=120)
# Full softmax and sampled softmax:3 ends here
