# [[file:../../primer.org::*A click log with planted interactions][A click log with planted interactions:1]]
"""Five click-through-rate architectures on one synthetic impression log with planted
feature interactions: logistic regression, Wide & Deep, a Deep & Cross network
(DCN-V2 cross layers), a two-tower model and DLRM.

Data: 60,000 impressions.  The true click logit has main effects, two second-order
crosses (user segment x item category, device x item category), a third-order
term (user activity x item price x device) and a pair feature (has this user viewed
this item before) that belongs to neither the user nor the item alone.  Because
the true click probabilities are known, every model is compared with them.
"""
import copy

import numpy as np
import torch
from sklearn.metrics import log_loss, roc_auc_score
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
train, valid, test = slice(0, 42_000), slice(42_000, 48_000), slice(48_000, n)

# Model inputs: five categorical fields as integer codes, three dense features.
FIELDS = {"user": n_users, "segment": n_segments, "item": n_items,
          "category": n_categories, "device": n_devices}
codes = torch.tensor(np.c_[user, seg, item, cat, device])
dense = torch.tensor(np.c_[activity, price, seen], dtype=torch.float32)
labels = torch.tensor(click)
print(f"click_rate = {click.mean():.3f}")
print(f"true_auc = {roc_auc_score(click[test], p_click[test]):.3f}")
print(f"true_logloss = {log_loss(click[test], p_click[test]):.3f}")


class Embeddings(nn.Module):
    """One embedding table per field, packed into a single table with offsets."""

    def __init__(self, cardinalities, dim, std=0.1):
        super().__init__()
        cardinalities = list(cardinalities)
        self.table = nn.Embedding(sum(cardinalities), dim)
        nn.init.normal_(self.table.weight, 0.0, std)
        self.register_buffer("offset", torch.tensor(np.r_[0, np.cumsum(cardinalities)[:-1]]))

    def forward(self, codes):                       # (batch, fields) -> (batch, fields, dim)
        return self.table(codes + self.offset)


def mlp(width_in, hidden, width_out=1):
    layers = []
    for width in hidden:
        layers += [nn.Linear(width_in, width), nn.ReLU()]
        width_in = width
    return nn.Sequential(*layers, nn.Linear(width_in, width_out))
# A click log with planted interactions:1 ends here

# [[file:../../primer.org::*Wide & Deep, Deep & Cross and DLRM][Wide & Deep, Deep & Cross and DLRM:1]]
# 2. The architectures.  Every model maps (codes, dense) to one click logit.
class LogisticRegression(nn.Module):
    """One weight per categorical value and per dense feature: main effects only."""

    def __init__(self):
        super().__init__()
        self.weights = Embeddings(FIELDS.values(), 1, std=0.0)
        self.dense = nn.Linear(3, 1)

    def forward(self, codes, dense):
        return self.weights(codes).sum((1, 2)) + self.dense(dense).squeeze(1)


class WideAndDeep(nn.Module):
    """Wide: logistic regression plus hand-made crossed features.
    Deep: field embeddings and dense features through an MLP.  The logits add."""

    CROSSES = [n_segments * n_categories, n_devices * n_categories]

    def __init__(self, dim=8):
        super().__init__()
        self.wide = Embeddings(list(FIELDS.values()) + self.CROSSES, 1, std=0.0)
        self.wide_dense = nn.Linear(3, 1)
        self.embed = Embeddings(FIELDS.values(), dim)
        self.deep = mlp(len(FIELDS) * dim + 3, [64, 32])

    def forward(self, codes, dense):
        seg_x_cat = codes[:, 1] * n_categories + codes[:, 3]
        dev_x_cat = codes[:, 4] * n_categories + codes[:, 3]
        wide_codes = torch.cat([codes, seg_x_cat[:, None], dev_x_cat[:, None]], 1)
        wide = self.wide(wide_codes).sum((1, 2)) + self.wide_dense(dense).squeeze(1)
        deep = self.deep(torch.cat([self.embed(codes).flatten(1), dense], 1)).squeeze(1)
        return wide + deep


class DeepCross(nn.Module):
    """DCN-V2: cross layers x_{l+1} = x0 * (W x_l + b) + x_l, then an MLP."""

    def __init__(self, dim=8, n_cross=2):
        super().__init__()
        self.embed = Embeddings(FIELDS.values(), dim)
        width = len(FIELDS) * dim + 3
        self.cross = nn.ModuleList(nn.Linear(width, width) for _ in range(n_cross))
        self.deep = mlp(width, [64, 32])

    def forward(self, codes, dense):
        x0 = torch.cat([self.embed(codes).flatten(1), dense], 1)
        x = x0
        for layer in self.cross:
            x = x0 * layer(x) + x
        return self.deep(x).squeeze(1)


class DLRM(nn.Module):
    """Embeddings for the categorical fields, a bottom MLP for the dense features,
    dot products between every pair of the resulting vectors, then a top MLP."""

    def __init__(self, dim=8):
        super().__init__()
        self.embed = Embeddings(FIELDS.values(), dim)
        self.bottom = nn.Sequential(mlp(3, [16], dim), nn.ReLU())
        vectors = len(FIELDS) + 1
        self.pairs = torch.triu_indices(vectors, vectors, offset=1)
        self.top = mlp(dim + self.pairs.shape[1], [64, 32])

    def forward(self, codes, dense):
        d = self.bottom(dense)
        v = torch.cat([self.embed(codes), d[:, None, :]], 1)            # (batch, 6, dim)
        dots = (v @ v.transpose(1, 2))[:, self.pairs[0], self.pairs[1]]  # 15 pairwise dots
        return self.top(torch.cat([d, dots], 1)).squeeze(1)
# Wide & Deep, Deep & Cross and DLRM:1 ends here

# [[file:../../primer.org::*Two towers][Two towers:1]]
class TwoTower(nn.Module):
    """A user (query) tower and an item tower meet only in a dot product.  The pair
    feature "seen" belongs to neither tower, so this model cannot use it."""

    def __init__(self, dim=8, out=16):
        super().__init__()
        self.user_embed = Embeddings([n_users, n_segments, n_devices], dim)
        self.item_embed = Embeddings([n_items, n_categories], dim)
        self.user_tower = mlp(3 * dim + 1, [64], out)
        self.item_tower = mlp(2 * dim + 1, [64], out)
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, codes, dense):
        u = self.user_tower(torch.cat([self.user_embed(codes[:, [0, 1, 4]]).flatten(1),
                                       dense[:, :1]], 1))              # user, segment, device, activity
        v = self.item_tower(torch.cat([self.item_embed(codes[:, [2, 3]]).flatten(1),
                                       dense[:, 1:2]], 1))             # item, category, price
        return (u * v).sum(1) + self.bias


class TwoTowerPlusSeen(TwoTower):
    """The same towers with the pair feature added to the logit after the dot product:
    usable when ranking a given pair, not when retrieving by nearest-neighbour search."""

    def __init__(self):
        super().__init__()
        self.seen_weight = nn.Parameter(torch.zeros(1))

    def forward(self, codes, dense):
        return super().forward(codes, dense) + self.seen_weight * dense[:, 2]
# Two towers:1 ends here

# [[file:../../primer.org::*Training and comparing them][Training and comparing them:1]]
# 3. One training loop for all: Adam, mini-batches, early stopping on validation loss.
# Every architecture is trained from several initialisations, side by side:
# torch.func.vmap runs the stacked copies in one call, and because Adam updates each
# weight on its own this is the same as training them one after another.
def fit(build, seeds, lr=1e-2, batch=2048, max_epochs=25, patience=3):
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

    def losses(rows):                     # one mean log loss per model
        return nn.functional.binary_cross_entropy_with_logits(
            run(params, buffers, codes[rows], dense[rows]), labels[rows].expand(k, -1),
            reduction="none").mean(1)

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
        q = torch.sigmoid(run(best_state, buffers, codes[test], dense[test])).numpy()
    return q, best_epoch + 1, sum(p.numel() for p in models[0].parameters())


SEEDS = range(3)
models = {"logreg": LogisticRegression, "wide_deep": WideAndDeep, "dcn": DeepCross,
          "dlrm": DLRM, "two_tower": TwoTower, "two_tower_plus_seen": TwoTowerPlusSeen}
auc = {}
print(f"seeds = {len(SEEDS)}")
for name, build in models.items():
    # The logistic regression starts from zero weights: every seed gives the same model.
    seeds = [0] if name == "logreg" else SEEDS
    q, epochs, n_params = fit(build, seeds)
    auc[name] = np.array([roc_auc_score(click[test], q[s]) for s in seeds])
    print(f"{name}_auc = {auc[name].mean():.3f}")
    print(f"{name}_auc_sd = {auc[name].std(ddof=1) if len(seeds) > 1 else 0.0:.3f}")
    print(f"{name}_logloss = {np.mean([log_loss(click[test], q[s]) for s in seeds]):.3f}")
    print(f"{name}_params = {n_params}")
    print(f"{name}_epochs = {int(np.median(epochs))}")
# Differences of mean AUC with the standard error of a difference of two means.
for a, b in [("wide_deep", "dlrm"), ("wide_deep", "dcn"), ("dlrm", "dcn"),
             ("dlrm", "two_tower_plus_seen"), ("dcn", "two_tower_plus_seen"),
             ("two_tower_plus_seen", "two_tower")]:
    se = np.sqrt((auc[a].var(ddof=1) + auc[b].var(ddof=1)) / len(SEEDS))
    print(f"{a}_minus_{b} = {auc[a].mean() - auc[b].mean():+.3f}")
    print(f"{a}_minus_{b}_se = {se:.3f}")
# Training and comparing them:1 ends here
