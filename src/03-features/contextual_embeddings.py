# [[file:../../primer.org::*Contextual embeddings][Contextual embeddings:1]]
"""One vector per word cannot represent a word with two senses; a contextual encoder
gives each occurrence its own vector.

Data: 2,000 sentences from a small grammar in which "bank" (and, equally often, a
sense-specific synonym) occurs either by a river or in a financial context.  The
words that reveal the sense come before the slot in half the sentences and after
it in the other half.  A static skip-gram vector for "bank" is compared with the
vectors a small bidirectional LSTM, trained to fill in each word from its two
sides, gives the 200 occurrences of "bank" in freshly drawn sentences.
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
from sklearn.cluster import KMeans
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
torch.manual_seed(0)
torch.set_num_threads(1)   # tiny tensors: one thread is faster and its timings repeatable

SYNONYMS = {"river": ["shore", "riverside"], "money": ["lender", "broker"]}
PARTS = {   # (a|b) picks one alternative; the ambiguous word goes between the two parts
    ("river", "before"): ["(we|they) (fished|walked|camped) by the river near the",
                          "the ducks swam across the water to the",
                          "after the flood , mud covered the"],
    ("money", "before"): ["(she|he) (deposited|withdrew) cash at the",
                          "(we|they) paid the loan back to the",
                          "after the crash , investors blamed the"],
    ("river", "after"): ["(was|looked) (muddy|steep|flooded) after the rain",
                         ", covered in reeds , (flooded|eroded) again"],
    ("money", "after"): ["(was|looked) (busy|closed|bankrupt) after the crash",
                         ", short of cash , (closed|merged) again"],
    ("neutral", "before"): ["(yesterday|today) (we|they) (saw|passed|visited) the",
                            "(i|you) (remember|noticed) the"],
    ("neutral", "after"): ["(again|too) (yesterday|today|last week)",
                           "(that|one) (morning|evening)"],
}
tokenizer = RegexpTokenizer(r"[a-z]+|[^a-z\s]")


def part(key):
    text = PARTS[key][rng.integers(len(PARTS[key]))]
    return re.sub(r"\(([^)]*)\)", lambda m: rng.choice(m.group(1).split("|")), text)


def sentence(sense, cue, word):
    """The sense shows on the `cue` side of `word`; the other side says nothing."""
    before = part((sense if cue == "before" else "neutral", "before"))
    after = part((sense if cue == "after" else "neutral", "after"))
    return tokenizer.tokenize(f"{before} {word} {after} .")


train = []
for _ in range(2000):
    sense, cue = rng.choice(["river", "money"]), rng.choice(["before", "after"])
    word = "bank" if rng.random() < 0.5 else rng.choice(SYNONYMS[sense])
    train.append(sentence(sense, cue, word))
test = [(sense, cue, sentence(sense, cue, "bank"))
        for sense in ["river", "money"] for cue in ["before", "after"] for _ in range(50)]
vocab = ["<pad>", "<s>", "</s>"] + sorted({w for s in train for w in s})
index = {w: i for i, w in enumerate(vocab)}
V = len(vocab)
print(f"sentences = {len(train)}")
print(f"vocabulary = {V}")
print("example = " + " ".join(train[0]))
# Contextual embeddings:1 ends here

# [[file:../../primer.org::*Contextual embeddings][Contextual embeddings:2]]
def encode(sentences):
    seqs = [torch.tensor([1] + [index[w] for w in s] + [2]) for s in sentences]
    return nn.utils.rnn.pad_sequence(seqs, batch_first=True), torch.tensor([len(s) for s in seqs])


X, lengths = encode(train)


class LazyAdam:
    """Adam that updates only the rows that received a gradient in this step (as in
    word2vec_torch.py); for the LSTM's weight matrices that is every row."""

    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps = list(params), lr, b1, b2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            rows = p.grad.abs().reshape(len(p), -1).sum(1) > 0
            g = p.grad[rows]
            m[rows] = self.b1 * m[rows] + (1 - self.b1) * g
            v[rows] = self.b2 * v[rows] + (1 - self.b2) * g * g
            m_hat, v_hat = m[rows] / (1 - self.b1 ** self.t), v[rows] / (1 - self.b2 ** self.t)
            p[rows] -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
            p.grad = None


# 1. A static embedding: skip-gram with negative sampling, window 2, on the same text.
pairs = [(x[i], x[j]) for x, n in zip(X.tolist(), lengths.tolist()) for i in range(1, n - 1)
         for j in range(max(1, i - 2), min(n - 1, i + 3)) if j != i]
centre, context = torch.tensor(pairs).T
counts = torch.bincount(context, minlength=V).double()
noise = counts ** 0.75 / (counts ** 0.75).sum()
w_in, w_out = nn.Embedding(V, 32), nn.Embedding(V, 32)
nn.init.uniform_(w_in.weight, -1 / 64, 1 / 64)
nn.init.zeros_(w_out.weight)
opt = LazyAdam([w_in.weight, w_out.weight], lr=0.03)
for _ in range(3):
    for b in torch.randperm(len(centre)).split(512):
        h = w_in(centre[b])
        negatives = torch.multinomial(noise, 5 * len(b), replacement=True).view(-1, 5)
        loss = (F.softplus(-(h * w_out(context[b])).sum(1))
                + F.softplus((w_out(negatives) * h.unsqueeze(1)).sum(2)).sum(1)).mean()
        loss.backward()
        opt.step()
S = F.normalize(w_in.weight.detach(), dim=1)


def static_cos(a_words, b_words):
    return np.mean([float(S[index[a]] @ S[index[b]]) for a in a_words for b in b_words])


static = {"bank ~ river words": static_cos(["bank"], SYNONYMS["river"]),
          "bank ~ money words": static_cos(["bank"], SYNONYMS["money"]),
          "river ~ money words": static_cos(SYNONYMS["river"], SYNONYMS["money"])}
print(f"static_cos_bank_river = {static['bank ~ river words']:.3f}")
print(f"static_cos_bank_money = {static['bank ~ money words']:.3f}")
print(f"static_cos_river_money = {static['river ~ money words']:.3f}")
# Contextual embeddings:2 ends here

# [[file:../../primer.org::*Contextual embeddings][Contextual embeddings:3]]
# 2. A contextual encoder.  A bidirectional LSTM reads the sentence; the vector for
# position t combines the left-to-right state just before t with the right-to-left
# state just after t, and is trained to predict the word at t (a fill-in-the-blank,
# or masked-word, objective).  To predict "shore" or "lender" there, it must encode
# the sense, from whichever side reveals it.
class SlotEncoder(nn.Module):
    def __init__(self, dim=32, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(V, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.mix = nn.Linear(2 * hidden, dim)
        self.out = nn.Linear(dim, V)
        self.hidden = hidden

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), lengths, batch_first=True,
                                                   enforce_sorted=False)
        states, _ = self.lstm(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True,
                                                     total_length=x.shape[1])
        left = states[:, :-2, :self.hidden]     # has read x[0..t-1]
        right = states[:, 2:, self.hidden:]     # has read x[t+1..end]
        return torch.tanh(self.mix(torch.cat([left, right], -1))), left


model = SlotEncoder()
opt = LazyAdam(model.parameters(), lr=0.01)
target = X[:, 1:-1].clone()
target[target == 2] = 0                      # the end marker is not a word to predict
start = time.perf_counter()
for epoch in range(4):
    total = 0.0
    for b in torch.randperm(len(X)).split(100):
        vectors, _ = model(X[b], lengths[b])
        loss = F.cross_entropy(model.out(vectors).reshape(-1, V), target[b].reshape(-1),
                               ignore_index=0)
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
print(f"encoder_final_loss = {total / len(X):.3f}")
print(f"encoder_train_seconds = {time.perf_counter() - start:.1f}")
# Contextual embeddings:3 ends here

# [[file:../../primer.org::*Contextual embeddings][Contextual embeddings:4]]
# 3. The 200 test occurrences of "bank": 100 per sense, half with the cue on each side.
X_test, lengths_test = encode([s for _, _, s in test])
with torch.no_grad():
    vectors, left = model(X_test, lengths_test)
at = torch.tensor([s.index("bank") for _, _, s in test])
rows = torch.arange(len(test))
contextual = F.normalize(vectors[rows, at], dim=1).numpy()
left_only = F.normalize(left[rows, at], dim=1).numpy()
is_river = np.array([sense == "river" for sense, _, _ in test])
cue_before = np.array([cue == "before" for _, cue, _ in test])


def cluster_accuracy(Z):
    """Split the occurrences into two clusters (k-means): % that land with their sense."""
    labels = KMeans(2, n_init=10, random_state=0).fit_predict(Z)
    agree = np.mean(labels == is_river)
    return 100 * max(agree, 1 - agree)


sims = contextual @ contextual.T
same = (is_river[:, None] == is_river[None, :]) & ~np.eye(len(test), dtype=bool)
different = is_river[:, None] != is_river[None, :]
print(f"static_cluster_accuracy_pct = {100 * max(is_river.mean(), 1 - is_river.mean()):.0f}")
print(f"contextual_cluster_accuracy_pct = {cluster_accuracy(contextual):.0f}")
print(f"left_only_cluster_accuracy_pct = {cluster_accuracy(left_only):.0f}")
print(f"contextual_cos_same_sense = {sims[same].mean():.3f}")
print(f"contextual_cos_different_sense = {sims[different].mean():.3f}")

fig, (left_ax, right_ax) = plt.subplots(1, 2, figsize=(10, 3.8),
                                        gridspec_kw={"width_ratios": [1, 1.3]})
left_ax.barh(range(3), list(static.values()), color=["#4a7a96", "#d99a5e", "#999999"])
left_ax.set_yticks(range(3), list(static))
left_ax.set_xlabel("cosine similarity of static skip-gram vectors")
left_ax.set_title("One vector for 'bank'", fontsize=10)
centred = contextual - contextual.mean(0)
xy = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
for river, colour, name in [(True, "#4a7a96", "river sense"), (False, "#d99a5e", "money sense")]:
    for before, marker, where in [(True, "o", "cue before"), (False, "^", "cue after")]:
        m = (is_river == river) & (cue_before == before)
        right_ax.scatter(xy[m, 0], xy[m, 1], s=22, marker=marker, color=colour, alpha=0.7,
                         label=f"{name}, {where}")
right_ax.set_xlabel("first principal axis")
right_ax.set_ylabel("second principal axis")
right_ax.set_title("Contextual vectors of 200 occurrences of 'bank'", fontsize=10)
right_ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "contextual_embeddings.png", dpi=120)
# Contextual embeddings:4 ends here
