# [[file:../../primer.org::*Serving language models: the KV cache and batching][Serving language models: the KV cache and batching:1]]
"""The key-value cache of a decoder-only transformer: memory per token from the
architecture and measured, and the CPU time of generating one token with and
without the cache as the sequence grows; then padding waste when requests of
different lengths share a batch.

Model: a small decoder (4 layers, 4 heads of 32 dimensions, float32) with random
weights: the cost of a forward pass does not depend on their values.  One thread.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

IMG = Path(__file__).resolve().parents[2] / "img" / "10-retrieval"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)

LAYERS, HEADS, D_HEAD, VOCAB = 4, 4, 32, 256
D_MODEL = HEADS * D_HEAD
BYTES = 4                                             # float32


def layer_weights():
    w = lambda *s: torch.randn(*s) / np.sqrt(s[0])
    return {"qkv": w(D_MODEL, 3 * D_MODEL), "out": w(D_MODEL, D_MODEL),
            "up": w(D_MODEL, 4 * D_MODEL), "down": w(4 * D_MODEL, D_MODEL)}


weights = [layer_weights() for _ in range(LAYERS)]
embed = torch.randn(VOCAB, D_MODEL) * 0.02
# Serving language models: the KV cache and batching:1 ends here

# [[file:../../primer.org::*Serving language models: the KV cache and batching][Serving language models: the KV cache and batching:2]]
@torch.inference_mode()
def forward(tokens, cache=None):
    """Logits for the last position.  tokens: (batch, new positions).  With a
    cache (a list of per-layer key and value tensors), only the new positions
    are computed and their keys and values are appended to it."""
    x = embed[tokens]
    b, n, _ = x.shape
    for i, w in enumerate(weights):
        h = F.layer_norm(x, (D_MODEL,))
        q, k, v = (h @ w["qkv"]).split(D_MODEL, dim=-1)
        q, k, v = (t.view(b, n, HEADS, D_HEAD).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            if len(cache) > i:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
                cache[i] = (k, v)
            else:
                cache.append((k, v))
        causal = n > 1                       # one new query sees every cached key
        a = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        x = x + a.transpose(1, 2).reshape(b, n, D_MODEL) @ w["out"]
        h = F.layer_norm(x, (D_MODEL,))
        x = x + F.gelu(h @ w["up"]) @ w["down"]
    return x[:, -1] @ embed.T


# Memory: the formula against the bytes actually held after a 512-token sequence.
formula = 2 * LAYERS * HEADS * D_HEAD * BYTES
cache = []
forward(torch.randint(VOCAB, (1, 512)), cache)
held = sum(k.nbytes + v.nbytes for k, v in cache)
print(f"kv_bytes_per_token_formula = {formula}")
print(f"kv_bytes_per_token_measured = {held / 512:.0f}")
# The same formula for a common 7-billion-parameter shape, in 16-bit floats.
big = 2 * 32 * 32 * 128 * 2
print(f"big_kv_kib_per_token = {big / 1024:.0f}")
print(f"big_kv_gib_at_4096 = {big * 4096 / 2**30:.1f}")
print(f"big_weights_gib = {7e9 * 2 / 2**30:.1f}")
# Serving language models: the KV cache and batching:2 ends here

# [[file:../../primer.org::*Serving language models: the KV cache and batching][Serving language models: the KV cache and batching:3]]
def step_cpu(position, cached, repeats=15):
    """Median CPU seconds to produce the token at `position` (batch of one)."""
    prefix = torch.randint(VOCAB, (1, position))
    times = []
    for r in range(repeats + 2):                       # the first two warm up
        if cached:
            cache = []
            forward(prefix[:, :-1], cache)             # built while generating earlier tokens
            start = time.process_time()
            forward(prefix[:, -1:], cache)
        else:
            start = time.process_time()
            forward(prefix)                            # recompute the whole prefix
        if r >= 2:
            times.append(time.process_time() - start)
    return np.median(times)


positions = [32, 64, 128, 256, 512, 1024]
with_cache, without = [], []
for n in positions:
    with_cache.append(step_cpu(n, True))
    without.append(step_cpu(n, False))
    print(f"pos{n}_tokens_per_s_cached = {1 / with_cache[-1]:.0f}")
    print(f"pos{n}_tokens_per_s_uncached = {1 / without[-1]:.0f}")
    print(f"pos{n}_cache_speedup = {without[-1] / with_cache[-1]:.1f}")
growth_cached = with_cache[-1] / with_cache[0]
growth_uncached = without[-1] / without[0]
print(f"cached_step_growth_32_to_1024 = {growth_cached:.1f}")
print(f"uncached_step_growth_32_to_1024 = {growth_uncached:.1f}")
# Over the last quadrupling the arithmetic dominates the fixed cost of a call;
# compare the measured growth with the multiply-add count of a forward pass:
# per layer, 12 d^2 per position for the projections and the MLP, and 2 n^2 d
# for the attention scores and their weighted sum over the whole prefix.
def forward_macs(n):
    return LAYERS * (12 * n * D_MODEL**2 + 2 * n * n * D_MODEL)


tail = without[-1] / without[positions.index(256)]
print(f"uncached_step_growth_256_to_1024 = {tail:.1f}")
print(f"macs_growth_256_to_1024 = {forward_macs(1024) / forward_macs(256):.1f}")
print(f"macs_growth_32_to_1024 = {forward_macs(1024) / forward_macs(32):.1f}")
print(f"attention_overtakes_at = {6 * D_MODEL}")  # 2 n^2 d = 12 n d^2
# Serving language models: the KV cache and batching:3 ends here

# [[file:../../primer.org::*Serving language models: the KV cache and batching][Serving language models: the KV cache and batching:4]]
# Batching requests of different lengths: padding every prompt to the longest
# in the batch, against sorting them into buckets of similar length first.
rng = np.random.default_rng(0)
lengths = np.sort(rng.integers(16, 513, size=16))


def prefill_cpu(groups, repeats=5):
    """Median CPU seconds to run the prompts' forward pass, one padded batch per group."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        for g in groups:
            forward(torch.randint(VOCAB, (len(g), int(max(g)))))
        times.append(time.process_time() - start)
    return np.median(times)


order = rng.permutation(lengths)                      # arrival order
one_batch = [order]
buckets = [lengths[i:i + 4] for i in range(0, 16, 4)]  # sorted, four of four
for name, groups in [("padded", one_batch), ("bucketed", buckets)]:
    computed = sum(len(g) * max(g) for g in groups)
    print(f"{name}_wasted_share = {1 - lengths.sum() / computed:.3f}")
    print(f"{name}_prefill_cpu_ms = {1e3 * prefill_cpu(groups):.0f}")
print(f"prompt_tokens = {lengths.sum()}")

fig, ax = plt.subplots(figsize=(6, 3.8))
ax.plot(positions, 1 / np.array(with_cache), "o-", color="#4a7a96", label="with KV cache")
ax.plot(positions, 1 / np.array(without), "s-", color="#b5523b", label="recompute the prefix")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("position of the generated token (log)")
ax.set_ylabel("tokens per CPU second (log)")
ax.set_title("Generating one token, 4-layer decoder, one thread")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "kv_cache.png", dpi=120)
# Serving language models: the KV cache and batching:4 ends here
