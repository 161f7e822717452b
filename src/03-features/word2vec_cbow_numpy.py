# [[file:../../primer.org::*Word2vec: CBOW and skip-gram][Word2vec: CBOW and skip-gram:1]]
"""Word2vec CBOW from scratch in NumPy, with a full softmax.

Data: 3,000 sentences from a small probabilistic grammar written below, whose nouns
fall in six KNOWN groups (animals, colours, foods, vehicles, numbers, jobs), plus two
rare words per group that occur in exactly four sentences each.  The program checks
the hand-written gradient against central finite differences, trains the model, and
asks whether each word's nearest neighbours (by cosine) belong to its own group.
"""
import re
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from nltk.tokenize import RegexpTokenizer

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

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
print(f"sentences = {len(corpus)}")
print(f"tokens = {sum(len(s) for s in corpus)}")
print(f"vocabulary = {V}")
print("example = " + " ".join(corpus[0]))

# CBOW training pairs: the words within WINDOW positions on either side -> the centre
# word.  Near the ends of a sentence there are fewer context words; -1 marks a hole.
WINDOW = 2
contexts, targets = [], []
for sentence in corpus:
    ids = [index[w] for w in sentence]
    for i, centre in enumerate(ids):
        context = ids[max(0, i - WINDOW):i] + ids[i + 1:i + 1 + WINDOW]
        contexts.append(context + [-1] * (2 * WINDOW - len(context)))
        targets.append(centre)
contexts, targets = np.array(contexts), np.array(targets)
weights = (contexts >= 0) / (contexts >= 0).sum(1, keepdims=True)   # 1/|context| or 0
contexts = np.maximum(contexts, 0)
print(f"training_pairs = {len(targets)}")
# Word2vec: CBOW and skip-gram:1 ends here

# [[file:../../primer.org::*Word2vec: CBOW and skip-gram][Word2vec: CBOW and skip-gram:2]]
def loss_and_grads(W_in, W_out, ctx, w, target):
    """Mean cross-entropy of the full softmax over the vocabulary, and its gradients."""
    B = len(target)
    h = np.einsum("bc,bcd->bd", w, W_in[ctx])          # average of the context vectors
    scores = h @ W_out                                   # (B, V): one score per word
    scores -= scores.max(1, keepdims=True)               # for numerical stability only
    p = np.exp(scores)
    p /= p.sum(1, keepdims=True)
    loss = -np.log(p[np.arange(B), target]).mean()
    d_scores = p.copy()
    d_scores[np.arange(B), target] -= 1                  # softmax minus one-hot
    d_scores /= B
    g_out = h.T @ d_scores
    d_h = d_scores @ W_out.T
    g_in = np.zeros_like(W_in)
    np.add.at(g_in, ctx, w[..., None] * d_h[:, None, :])   # each context word gets its share
    return loss, g_in, g_out


# Gradient check on a small random model: every partial derivative against
# (L(theta + eps) - L(theta - eps)) / (2 eps), in float64.
check_dim, eps = 6, 1e-4
batch = rng.choice(len(targets), 8, replace=False)
args = (contexts[batch], weights[batch], targets[batch])
params = [rng.normal(0, 0.3, (V, check_dim)), rng.normal(0, 0.3, (check_dim, V))]
_, *analytic = loss_and_grads(*params, *args)
numeric = []
for P in params:
    g = np.zeros_like(P)
    for idx in np.ndindex(P.shape):
        old = P[idx]
        P[idx] = old + eps
        up = loss_and_grads(*params, *args)[0]
        P[idx] = old - eps
        down = loss_and_grads(*params, *args)[0]
        P[idx] = old
        g[idx] = (up - down) / (2 * eps)
    numeric.append(g)
a = np.concatenate([g.ravel() for g in analytic])
n = np.concatenate([g.ravel() for g in numeric])
print(f"gradcheck_parameters = {a.size}")
print(f"gradcheck_exact_zeros = {np.sum((a == 0) & (n == 0))}")   # rows of absent words
print(f"gradcheck_rel_error = {np.linalg.norm(a - n) / np.linalg.norm(a):.1e}")
print(f"gradcheck_max_abs_error = {np.max(np.abs(a - n)):.1e}")
print(f"gradcheck_largest_gradient = {np.max(np.abs(a)):.1e}")
# Word2vec: CBOW and skip-gram:2 ends here

# [[file:../../primer.org::*Word2vec: CBOW and skip-gram][Word2vec: CBOW and skip-gram:3]]
# Training: minibatch SGD with a linearly decaying learning rate, as word2vec does.
DIM, EPOCHS, BATCH, LR = 24, 10, 64, 2.0
W_in = rng.uniform(-0.5 / DIM, 0.5 / DIM, (V, DIM))     # the embeddings we keep
W_out = np.zeros((DIM, V))                               # output ("context") vectors
steps, step = EPOCHS * -(-len(targets) // BATCH), 0
start = time.perf_counter()
for epoch in range(EPOCHS):
    order, total = rng.permutation(len(targets)), 0.0
    for lo in range(0, len(order), BATCH):
        b = order[lo:lo + BATCH]
        loss, g_in, g_out = loss_and_grads(W_in, W_out, contexts[b], weights[b], targets[b])
        lr = LR * (1 - step / steps)
        W_in -= lr * g_in
        W_out -= lr * g_out
        step, total = step + 1, total + loss * len(b)
    if epoch in (0, EPOCHS - 1):
        print(f"loss_epoch{epoch + 1} = {total / len(targets):.3f}")
print(f"train_seconds = {time.perf_counter() - start:.1f}")
freq = np.bincount(targets, minlength=V) / len(targets)
print(f"unigram_entropy = {-(freq * np.log(freq)).sum():.3f}")   # loss of guessing by frequency

common = [w for words in GROUPS.values() for w in words]
rare = [w for words in RARE.values() for w in words]


def neighbours(E, word, k=5):
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    sims = U @ U[index[word]]
    sims[index[word]] = -np.inf
    return [vocab[j] for j in np.argsort(-sims)[:k]]


def precision_at_5(E, words):
    return np.mean([[group_of.get(v) == group_of[w] for v in neighbours(E, w)] for w in words])


random_scores = [precision_at_5(rng.normal(size=W_in.shape), common) for _ in range(20)]
print(f"precision5_common = {precision_at_5(W_in, common):.3f}")
print(f"precision5_rare = {precision_at_5(W_in, rare):.3f}")
print(f"precision5_random_vectors = {np.mean(random_scores):.3f}")
rare_share = np.mean([[v in rare for v in neighbours(W_in, w)] for w in rare])
print(f"rare_neighbours_that_are_rare = {rare_share:.3f}")
print(f"rare_share_by_chance = {(len(rare) - 1) / (V - 1):.3f}")
for word in ["cat", "seven", "ferret", "teal"]:
    print(f"neighbours_{word} = " + ", ".join(neighbours(W_in, word)))

# A picture: the unit vectors of the group words projected on their two main axes.
words = common + rare
U = W_in[[index[w] for w in words]]
U = U / np.linalg.norm(U, axis=1, keepdims=True)
U = U - U.mean(0)
xy = U @ np.linalg.svd(U, full_matrices=False)[2][:2].T
colours = dict(zip(GROUPS, ["#b5523b", "#4a7a96", "#d99a5e", "#5b8c5a", "#7d5ba6", "#777777"]))
fig, ax = plt.subplots(figsize=(8, 5.5))
for (x, y), w in zip(xy, words):
    c = colours[group_of[w]]
    if w in rare:
        ax.scatter(x, y, s=60, facecolors="none", edgecolors=c, linewidths=1.5)
        ax.annotate(w, (x, y), fontsize=8, color=c, xytext=(4, 3), textcoords="offset points")
    else:
        ax.scatter(x, y, s=30, color=c)
for g, c in colours.items():
    ax.scatter([], [], color=c, label=g)
ax.scatter([], [], facecolors="none", edgecolors="k", label="rare word (4 sentences)")
ax.legend(fontsize=8, loc="best")
ax.set_xlabel("first principal axis")
ax.set_ylabel("second principal axis")
ax.set_title("CBOW word vectors (full softmax, NumPy), projected to 2-D")
fig.tight_layout()
fig.savefig(IMG / "word2vec_cbow_numpy.png", dpi=120)
# Word2vec: CBOW and skip-gram:3 ends here
