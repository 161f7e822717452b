# [[file:../../primer.org::*Hybrid parallelism: putting the pieces together][Hybrid parallelism: putting the pieces together:1]]
"""Hybrid (3D) parallelism: which tensor x pipeline x data split fits, and what it sends.

For GPT-style models (12 L d^2 parameters plus a 51,200-token embedding) trained in
mixed precision with Adam (16 bytes per parameter, no ZeRO) on 80 GB devices with
eight per server, enumerate tensor-parallel size t (1-8, within a server),
pipeline-parallel size p (dividing the layers) and data-parallel size
dp = GPUs / (t p).  Memory per device: the state of 1/(t p) of the model, plus
activations under full recomputation with 1F1B (each of the p micro-batches in
flight on the first stage keeps one 2-byte b x s x d input per layer of its
stage, split t ways, plus one layer's full activations while it is recomputed).
The rule of thumb from Narayanan et al. (2021): the smallest model-parallel size
t p that fits, tensor parallelism first up to the server size.  The choice is
compared with three configurations that paper published.
"""
SEQ, MICRO, VOCAB = 2048, 1, 51200
DEVICE_GB, PER_SERVER = 80, 8
USABLE = 0.8          # share of device memory for state and activations (assumption)


def params(layers: int, d: int) -> float:
    return 12 * layers * d * d + VOCAB * d


def memory_gb(layers, d, heads, t, p) -> float:
    state = 16 * params(layers, d) / (t * p)
    per_layer_input = 2 * MICRO * SEQ * d / t
    in_flight = p * (layers // p) * per_layer_input       # 1F1B, first stage
    recompute = 2 * MICRO * SEQ * (12 * d + heads + 4) / t  # one layer, full
    return (state + in_flight + recompute) / 1e9


def plan(layers, d, heads, gpus, usable=USABLE):
    options = []
    for t in (1, 2, 4, 8):
        for p in range(1, layers + 1):
            if layers % p or gpus % (t * p):
                continue
            if memory_gb(layers, d, heads, t, p) <= usable * DEVICE_GB:
                options.append((t * p, p, t))
    mp, p, t = min(options)          # smallest model-parallel size; then fewer stages
    return t, p, gpus // (t * p)


def traffic_gb(layers, d, t, p, dp, batch) -> dict:
    """Bytes each device sends per step (fp16 values, ring collectives)."""
    micro = batch // dp                                   # micro-batches per pipeline
    act = 2 * MICRO * SEQ * d
    tp = 4 * 2 * (t - 1) / t * act * (layers // p) * micro   # 4 all-reduces per layer
    pp = 2 * act * micro if p > 1 else 0.0                   # send forward, receive back
    dpc = 2 * (dp - 1) / dp * 2 * params(layers, d) / (t * p)
    return {"tp": tp / 1e9, "pp": pp / 1e9, "dp": dpc / 1e9}


# Published configurations (Narayanan et al. 2021, Table 1): name, parameters in
# billions, layers, hidden size, heads, GPUs, batch, published t, published p.
published = [("gpt1p7b", 1.7, 24, 2304, 24, 32, 512, 1, 1),
             ("gpt39p1b", 39.1, 48, 8192, 64, 512, 1536, 8, 2),
             ("gpt1008b", 1008.0, 128, 25600, 160, 3072, 3072, 8, 64)]
matches = 0
for name, billions, layers, d, heads, gpus, batch, t_pub, p_pub in published:
    t, p, dp = plan(layers, d, heads, gpus)
    print(f"{name}_params_b = {params(layers, d) / 1e9:.1f}")
    print(f"{name}_published_t = {t_pub}")
    print(f"{name}_published_p = {p_pub}")
    print(f"{name}_chosen_t = {t}")
    print(f"{name}_chosen_p = {p}")
    print(f"{name}_chosen_dp = {dp}")
    print(f"{name}_memory_gb = {memory_gb(layers, d, heads, t, p):.1f}")
    tr = traffic_gb(layers, d, t, p, dp, batch)
    for k, v in tr.items():
        print(f"{name}_{k}_gb_per_step = {v:.2f}")
    t_full, p_full, _ = plan(layers, d, heads, gpus, usable=1.0)
    print(f"{name}_chosen_p_all_memory = {p_full}")
    # the closest rejected split: same t, the next smaller stage count
    fewer = [q for q in range(1, p) if layers % q == 0 and gpus % (t * q) == 0]
    if fewer:
        print(f"{name}_next_fewer_p = {max(fewer)}")
        print(f"{name}_memory_gb_next_fewer_p = "
              f"{memory_gb(layers, d, heads, t, max(fewer)):.1f}")
    matches += (t, p) == (t_pub, p_pub)
print(f"matches = {matches}")
print(f"usable_share = {USABLE}")
print(f"usable_gb = {USABLE * DEVICE_GB:.0f}")
# Without model parallelism, what would the 1-trillion model need per device?
print(f"gpt1008b_state_per_device_dp_only_gb = {16 * params(128, 25600) / 1e9:.0f}")
# Hybrid parallelism: putting the pieces together:1 ends here
