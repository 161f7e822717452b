# [[file:../../primer.org::*Multitask learning: shared bottom and MMoE][Multitask learning: shared bottom and MMoE:1]]
"""Multitask learning on two labels of one impression log: a click and a rarer like.
Separate single-task models, a shared-bottom network and a Multi-gate
Mixture-of-Experts (MMoE) are compared with the true probabilities.

Data: the synthetic log of recsys_architectures.py (same generator, same seed),
plus a like label whose true logit shares part of the click logit's structure
(item appeal, half of the segment x category taste), has a taste cross of its
own, and reverses the device x category effect.
"""
import copy

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch import nn
from torch.func import functional_call, stack_module_state

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

# 1. The impression log.  Users have a segment and an activity level, items a
# category and a price; each impression has a device and the pair feature "seen".
n, n_users, n_items, n_segments, n_categories, n_devices = 60_000, 300, 100, 8, 12, 3
segment_of = rng.integers(0, n_segments, n_users)
category_of = rng.integers(0, n_categories, n_items)
activity_of = rng.normal(size=n_users)
price_of = rng.normal(size=n_items)
user_effect = rng.normal(0, 0.3, n_users)
item_effect = rng.normal(0, 0.5, n_items)
device_effect = np.array([0.0, -0.3, 0.2])
segment_x_category = rng.normal(0, 0.8, (n_segments, n_categories))
device_x_category = rng.normal(0, 0.5, (n_devices, n_categories))
device_sign = np.array([1.0, -1.0, 0.0])

user = rng.integers(0, n_users, n)
item = rng.integers(0, n_items, n)
device = rng.choice(n_devices, n, p=[0.6, 0.3, 0.1])
seen = (rng.random(n) < 0.2).astype(float)
seg, cat = segment_of[user], category_of[item]
activity, price = activity_of[user], price_of[item]
click_logit = (-2.0 + user_effect[user] + item_effect[item] + device_effect[device]
               + 0.4 * activity - 0.3 * price                      # main effects
               + segment_x_category[seg, cat]                      # second order
               + device_x_category[device, cat]                    # second order
               + 0.6 * activity * price * device_sign[device]      # third order
               + 1.0 * seen)                                       # pair feature
p_click = 1 / (1 + np.exp(-click_logit))
click = (rng.random(n) < p_click).astype(np.float32)

# The second task.  Drawn after the click data, so the click data are identical to
# those of recsys_architectures.py.
like_x_category = rng.normal(0, 0.8, (n_segments, n_categories))
like_logit = (-3.5 + 0.5 * item_effect[item] + 0.5 * segment_x_category[seg, cat]
              + like_x_category[seg, cat] - device_x_category[device, cat]
              + 0.5 * activity - 0.6 * price)
p_like = 1 / (1 + np.exp(-like_logit))
like = (rng.random(n) < p_like).astype(np.float32)
train, valid, test = slice(0, 42_000), slice(42_000, 48_000), slice(48_000, n)
TASKS = {"click": (click, p_click), "like": (like, p_like)}

FIELDS = {"user": n_users, "segment": n_segments, "item": n_items,
          "category": n_categories, "device": n_devices}
codes = torch.tensor(np.c_[user, seg, item, cat, device])
dense = torch.tensor(np.c_[activity, price, seen], dtype=torch.float32)
labels = torch.tensor(np.c_[click, like])
print(f"like_rate = {like.mean():.3f}")
print(f"train_likes = {like[train].sum():.0f}")
print(f"logit_correlation = {np.corrcoef(click_logit, like_logit)[0, 1]:.2f}")
for task, (y, p) in TASKS.items():
    print(f"true_{task}_auc = {roc_auc_score(y[test], p[test]):.3f}")


class Embeddings(nn.Module):
    """One embedding table per field, packed into a single table with offsets."""

    def __init__(self, cardinalities, dim, std=0.1):
        super().__init__()
        cardinalities = list(cardinalities)
        self.table = nn.Embedding(sum(cardinalities), dim)
        nn.init.normal_(self.table.weight, 0.0, std)
        self.register_buffer("offset", torch.tensor(np.r_[0, np.cumsum(cardinalities)[:-1]]))

    def forward(self, codes):
        return self.table(codes + self.offset)


def mlp(width_in, hidden, width_out=None):
    """Linear-ReLU layers of the given widths, then a linear output layer if
    width_out is given."""
    layers = []
    for width in hidden:
        layers += [nn.Linear(width_in, width), nn.ReLU()]
        width_in = width
    if width_out:
        layers.append(nn.Linear(width_in, width_out))
    return nn.Sequential(*layers)


WIDTH = len(FIELDS) * 8 + 3          # concatenated embeddings and dense features
# Multitask learning: shared bottom and MMoE:1 ends here

# [[file:../../primer.org::*Multitask learning: shared bottom and MMoE][Multitask learning: shared bottom and MMoE:2]]
class SingleTask(nn.Module):
    """One network per task: embeddings, a 16-16 trunk and a 16-unit tower."""

    def __init__(self):
        super().__init__()
        self.embed = Embeddings(FIELDS.values(), 8)
        self.net = mlp(WIDTH, [16, 16, 16], 1)

    def forward(self, codes, dense):
        return self.net(torch.cat([self.embed(codes).flatten(1), dense], 1))


class SharedBottom(nn.Module):
    """Embeddings and a 16-16 trunk shared by both tasks, one tower per task."""

    def __init__(self):
        super().__init__()
        self.embed = Embeddings(FIELDS.values(), 8)
        self.bottom = mlp(WIDTH, [16, 16])
        self.towers = nn.ModuleList(mlp(16, [16], 1) for _ in TASKS)

    def forward(self, codes, dense):
        h = self.bottom(torch.cat([self.embed(codes).flatten(1), dense], 1))
        return torch.cat([tower(h) for tower in self.towers], 1)


class MMoE(nn.Module):
    """Shared embeddings, four small experts, and per task a softmax gate that mixes
    the experts' outputs before that task's tower."""

    def __init__(self, n_experts=4, expert_width=8):
        super().__init__()
        self.embed = Embeddings(FIELDS.values(), 8)
        self.experts = nn.ModuleList(mlp(WIDTH, [expert_width, expert_width])
                                     for _ in range(n_experts))
        self.gates = nn.ModuleList(nn.Linear(WIDTH, n_experts) for _ in TASKS)
        self.towers = nn.ModuleList(mlp(expert_width, [16], 1) for _ in TASKS)

    def forward(self, codes, dense):
        x = torch.cat([self.embed(codes).flatten(1), dense], 1)
        experts = torch.stack([expert(x) for expert in self.experts], 1)   # (batch, 4, 8)
        out = []
        for gate, tower in zip(self.gates, self.towers):
            weights = torch.softmax(gate(x), 1)                              # (batch, 4)
            out.append(tower((weights[:, :, None] * experts).sum(1)))
        return torch.cat(out, 1)
# Multitask learning: shared bottom and MMoE:2 ends here

# [[file:../../primer.org::*Multitask learning: shared bottom and MMoE][Multitask learning: shared bottom and MMoE:3]]
def fit(build, columns, seeds, lr=2e-2, batch=2048, max_epochs=25, patience=2):
    """Train one model per seed on the summed log losses of the tasks in `columns`
    (Adam, early stopping on each model's validation loss); returns test-set
    probabilities, shape (seeds, rows, tasks).  The models are trained side by side:
    torch.func.vmap runs the stacked copies in one call, and because Adam updates
    each weight on its own, this is the same as training them one after another."""
    models = []
    for seed in seeds:
        torch.manual_seed(seed)
        models.append(build())
    params, buffers = stack_module_state(models)
    skeleton = copy.deepcopy(models[0]).to("meta")
    run = torch.vmap(lambda p, b, c, d: functional_call(skeleton, (p, b), (c, d)),
                     in_dims=(0, 0, None, None))
    opt = torch.optim.Adam(params.values(), lr=lr)
    order = torch.Generator().manual_seed(0)
    k = len(seeds)
    y = labels[:, columns]

    def losses(rows):            # one mean log loss per model
        out = run(params, buffers, codes[rows], dense[rows])
        return nn.functional.binary_cross_entropy_with_logits(
            out, y[rows].expand(k, -1, -1), reduction="none").mean((1, 2))

    best, best_epoch, stopped = np.full(k, np.inf), np.zeros(k, int), np.zeros(k, bool)
    best_state = {name: p.detach().clone() for name, p in params.items()}
    for epoch in range(max_epochs):
        for rows in torch.randperm(train.stop, generator=order).split(batch):
            opt.zero_grad()
            losses(rows).sum().backward()     # each model gets its own gradient
            opt.step()
        with torch.no_grad():
            valid_loss = losses(valid).numpy()
        for m in np.flatnonzero(~stopped):
            if valid_loss[m] < best[m]:
                best[m], best_epoch[m] = valid_loss[m], epoch
                for name, p in params.items():
                    best_state[name][m] = p.detach()[m]
            elif epoch - best_epoch[m] >= patience:
                stopped[m] = True
        if stopped.all():
            break
    with torch.no_grad():
        return torch.sigmoid(run(best_state, buffers, codes[test], dense[test])).numpy()


SEEDS = range(4)                          # four initialisations of every model
auc = {}
for k, task in enumerate(TASKS):
    q = fit(SingleTask, [k], SEEDS)
    auc["single", task] = [roc_auc_score(TASKS[task][0][test], q[s, :, 0]) for s in SEEDS]
for name, build in [("shared", SharedBottom), ("mmoe", MMoE)]:
    q = fit(build, [0, 1], SEEDS)
    for k, task in enumerate(TASKS):
        auc[name, task] = [roc_auc_score(TASKS[task][0][test], q[s, :, k]) for s in SEEDS]
    print(f"{name}_params = {sum(p.numel() for p in build().parameters())}")
print(f"single_params = {2 * sum(p.numel() for p in SingleTask().parameters())}")
print(f"seeds = {len(SEEDS)}")
for (name, task), values in auc.items():
    print(f"{name}_{task}_auc = {np.mean(values):.3f}")
    print(f"{name}_{task}_sd = {np.std(values, ddof=1):.3f}")
# Differences of mean AUC between designs, with the standard error of a difference
# of two means over independent initialisations.
for a, b in [("shared", "single"), ("mmoe", "single"), ("mmoe", "shared")]:
    for task in TASKS:
        gap = np.mean(auc[a, task]) - np.mean(auc[b, task])
        se = np.sqrt((np.var(auc[a, task], ddof=1) + np.var(auc[b, task], ddof=1)) / len(SEEDS))
        print(f"{a}_minus_{b}_{task} = {gap:+.3f}")
        print(f"{a}_minus_{b}_{task}_se = {se:.3f}")
# Multitask learning: shared bottom and MMoE:3 ends here
