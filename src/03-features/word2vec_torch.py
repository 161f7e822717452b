# [[file:../../primer.org::*Word2vec: CBOW and skip-gram][Word2vec: CBOW and skip-gram:4]]
"""Word2vec with negative sampling in PyTorch: CBOW against skip-gram, on common and
on rare words.

Data: the same 3,000-sentence grammar as word2vec_cbow_numpy.py (six known word
groups; two rare words per group, four sentences each), generated with the same seed.
Both models share one implementation of negative sampling and differ only in
which word predicts which.
"""
import re
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from nltk.tokenize import RegexpTokenizer
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
torch.manual_seed(0)
torch.set_num_threads(1)   # tiny tensors: one thread is faster and its timings repeatable

GROUPS = {
    "animal": ["cat", "dog", "horse", "cow", "sheep", "goat", "rabbit", "mouse"],
    "colour": ["red", "blue", "green", "yellow", "black", "white", "purple", "grey"],
    "food": ["bread", "cheese", "rice", "soup", "pasta", "cake", "salad", "beans"],
    "vehicle": ["car", "bus", "truck", "train", "bike", "boat", "van", "taxi"],
    "number": ["two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "job": ["doctor", "teacher", "farmer", "baker", "pilot", "nurse", "lawyer", "chef"],
}
RARE = {"animal": ["ferret", "otter"], "colour": ["teal", "maroon"],
        "food": ["quince", "lentils"], "vehicle": ["tram", "ferry"],
        "number": ["eleven", "twelve"], "job": ["plumber", "surgeon"]}
# (a|b) picks one alternative; {g} a word of group g; {g/h} a word of g or of h.
TEMPLATES = [
    "the {animal} (slept|ate|ran|hid) in the (barn|field|yard) .",
    "a (small|young|hungry) {animal} chased the {animal} .",
    "we fed the {animal} some {food} .",
    "she painted the (door|wall|fence) {colour} .",
    "the {colour} {vehicle} (stopped|waited|turned) at the (corner|station|lights) .",
    "(he|she) likes the colour {colour} best .",
    "we (ate|cooked|shared) {food} for (lunch|dinner) .",
    "the {food} (tasted|smelled) (sweet|salty|fresh) .",
    "they took the {vehicle} to (work|town|school) .",
    "the {vehicle} (drove|broke down|arrived) (late|early) .",
    "(i|we) counted {number} (tickets|chairs|boxes) .",
    "the score was {number} to {number} .",
    "the {job} (works|worked) at the (hospital|school|office) .",
    "my (sister|brother|friend) is a {job} .",
    "ask the {job} for (advice|help) .",
    "the {animal/vehicle} was (fast|slow|old|new) .",
    "we (bought|sold|wanted) the {animal/vehicle/food} .",
    "the {job/animal} (waited|slept) at the (station|corner) .",
    "(i|we) saw {number/colour} (birds|boxes|lights) .",
]
NOISE = "(i|you) (saw|heard|liked) the {any} (today|yesterday) ."   # says nothing


def fill(template, forced=None):
    text = re.sub(r"\(([^)]*)\)", lambda m: rng.choice(m.group(1).split("|")), template)
    if forced:                       # put a rare word in the first slot its group may fill
        group, word = forced
        text = re.sub(r"\{[\w/]*\b" + group + r"\b[\w/]*\}", word, text, count=1)

    def slot(m):
        options = list(GROUPS) if m.group(1) == "any" else m.group(1).split("/")
        return rng.choice(GROUPS[rng.choice(options)])
    return re.sub(r"\{([\w/]+)\}", slot, text)


def make_corpus(n_sentences=3000, rare_count=4, noise=0.3):
    lines = [fill(NOISE if rng.random() < noise else TEMPLATES[rng.integers(len(TEMPLATES))])
             for _ in range(n_sentences)]
    for group, words in RARE.items():
        usable = [t for t in TEMPLATES if re.search(r"\{[\w/]*\b" + group + r"\b", t)]
        for word in words:
            lines += [fill(usable[rng.integers(len(usable))], forced=(group, word))
                      for _ in range(rare_count)]
    lines = [lines[i] for i in rng.permutation(len(lines))]
    tokenizer = RegexpTokenizer(r"[a-z]+|[^a-z\s]")
    return [tokenizer.tokenize(line) for line in lines]


corpus = make_corpus()
vocab = sorted({w for sentence in corpus for w in sentence})
index = {w: i for i, w in enumerate(vocab)}
V = len(vocab)
group_of = {w: g for table in (GROUPS, RARE) for g, words in table.items() for w in words}
print(f"tokens = {sum(len(s) for s in corpus)}")
print(f"vocabulary = {V}")
# Word2vec: CBOW and skip-gram:4 ends here

# [[file:../../primer.org::*Word2vec: CBOW and skip-gram][Word2vec: CBOW and skip-gram:5]]
WINDOW, DIM, NEGATIVES = 2, 24, 5
cbow_context, cbow_target, sg_centre, sg_context = [], [], [], []
for sentence in corpus:
    ids = [index[w] for w in sentence]
    for i, centre in enumerate(ids):
        context = ids[max(0, i - WINDOW):i] + ids[i + 1:i + 1 + WINDOW]
        cbow_context.append(context + [-1] * (2 * WINDOW - len(context)))   # context -> centre
        cbow_target.append(centre)
        sg_centre += [centre] * len(context)                                  # centre -> each
        sg_context += context                                                 # context word
cbow_context, cbow_target = torch.tensor(cbow_context), torch.tensor(cbow_target)
sg_centre, sg_context = torch.tensor(sg_centre), torch.tensor(sg_context)
print(f"cbow_examples_per_epoch = {len(cbow_target)}")
print(f"skipgram_examples_per_epoch = {len(sg_centre)}")

# Negative samples come from the unigram distribution raised to the power 3/4.
counts = torch.bincount(cbow_target, minlength=V).double()
noise = counts ** 0.75 / (counts ** 0.75).sum()
print(f"noise_share_of_the = {noise[index['the']]:.3f}")
print(f"unigram_share_of_the = {counts[index['the']] / counts.sum():.3f}")
NOISE_TABLE = torch.multinomial(noise, 1_000_000, replacement=True)   # O(1) draws


class Word2Vec(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Embedding(V, DIM)    # the vectors we keep
        self.out = nn.Embedding(V, DIM)    # vectors of predicted words
        nn.init.uniform_(self.inp.weight, -0.5 / DIM, 0.5 / DIM)
        nn.init.zeros_(self.out.weight)

    def loss(self, h, target):
        """-log sigma(u_target . h) - sum over k noise words of log sigma(-u_k . h)."""
        negatives = NOISE_TABLE[torch.randint(len(NOISE_TABLE), (len(target), NEGATIVES))]
        words = torch.cat([target.unsqueeze(1), negatives], 1)      # target first
        scores = (self.out(words) * h.unsqueeze(1)).sum(2)
        return (F.softplus(-scores[:, 0]) + F.softplus(scores[:, 1:]).sum(1)).mean()


class LazyAdam:
    """Adam that updates only the rows of a table that received a gradient in this
    step, as torch.optim.SparseAdam does: a word absent from the batch stays put."""

    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps = list(params), lr, b1, b2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            rows = p.grad.abs().sum(1) > 0
            g = p.grad[rows]
            m[rows] = self.b1 * m[rows] + (1 - self.b1) * g
            v[rows] = self.b2 * v[rows] + (1 - self.b2) * g * g
            m_hat, v_hat = m[rows] / (1 - self.b1 ** self.t), v[rows] / (1 - self.b2 ** self.t)
            p[rows] -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
            p.grad = None


def cbow_input(model, ctx):
    present = (ctx >= 0).float().unsqueeze(2)
    return (model.inp(ctx.clamp(min=0)) * present).sum(1) / present.sum(1)


def train(kind, epochs, lr=0.05, batch=512):
    model = Word2Vec()
    opt = LazyAdam(model.parameters(), lr=lr)
    n = len(cbow_target) if kind == "cbow" else len(sg_centre)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        for lo in range(0, n, batch):
            b = order[lo:lo + batch]
            if kind == "cbow":
                loss = model.loss(cbow_input(model, cbow_context[b]), cbow_target[b])
            else:
                loss = model.loss(model.inp(sg_centre[b]), sg_context[b])
            loss.backward()
            opt.step()
    return model.inp.weight.detach().numpy(), time.perf_counter() - start, epochs * n
# Word2vec: CBOW and skip-gram:5 ends here

# [[file:../../primer.org::*Word2vec: CBOW and skip-gram][Word2vec: CBOW and skip-gram:6]]
common = [w for words in GROUPS.values() for w in words]
rare = [w for words in RARE.values() for w in words]


def evaluate(E, words, k=5):
    """Precision@k of same-group neighbours, and the cosine margin: mean cosine to the
    common words of the own group minus mean cosine to the common words of the others."""
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    hits, margins = [], []
    for w in words:
        top = np.argsort(-S[index[w]])[:k]
        hits.append(np.mean([group_of.get(vocab[j]) == group_of[w] for j in top]))
        own = [index[v] for v in GROUPS[group_of[w]] if v != w]
        other = [index[v] for g in GROUPS if g != group_of[w] for v in GROUPS[g]]
        margins.append(S[index[w], own].mean() - S[index[w], other].mean())
    return np.mean(hits), np.mean(margins)


runs = {"CBOW, 3 epochs": ("cbow", 3), "skip-gram, 3 epochs": ("sg", 3),
        "CBOW, 9 epochs": ("cbow", 9)}
scores = {}
for label, (kind, epochs) in runs.items():
    E, seconds, examples = train(kind, epochs)
    key = f"{kind}_{epochs}ep"
    scores[label] = {"common": evaluate(E, common), "rare": evaluate(E, rare)}
    print(f"{key}_examples = {examples}")
    print(f"{key}_seconds = {seconds:.1f}")
    for part in ("common", "rare"):
        p5, margin = scores[label][part]
        print(f"{key}_precision5_{part} = {p5:.3f}")
        print(f"{key}_margin_{part} = {margin:.3f}")
random_p5 = np.mean([evaluate(rng.normal(size=(V, DIM)), rare)[0] for _ in range(20)])
print(f"random_precision5_rare = {random_p5:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
colours = ["#d99a5e", "#4a7a96", "#b5523b"]
for ax, part, title in zip(axes, ["common", "rare"],
                           ["48 common words", "12 rare words (4 sentences each)"]):
    values = [scores[label][part][0] for label in runs]
    ax.bar(range(len(runs)), values, color=colours)
    ax.axhline(random_p5, color="#222222", ls=":", lw=1, label="random vectors")
    ax.set_xticks(range(len(runs)), list(runs), fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=10)
axes[0].set_ylabel("precision@5 of same-group neighbours")
axes[0].legend(fontsize=8, loc="lower left")
fig.tight_layout()
fig.savefig(IMG / "word2vec_torch.png", dpi=120)
# Word2vec: CBOW and skip-gram:6 ends here
