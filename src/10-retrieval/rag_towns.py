# [[file:../../primer.org::*Retrieval-augmented generation][Retrieval-augmented generation:1]]
"""Retrieval-augmented generation on a generated knowledge base with known
answers: a sparse (TF-IDF) and a dense (LSA vectors in faiss) retriever, an
extractive reader, end-to-end accuracy against the retriever's recall@k, the
chunk-size trade-off, and updating a fact by re-indexing.

Knowledge base: 400 invented towns, one article each.  The first sentence names
the town; later sentences refer to it as "the town", as real articles do.
Questions ask for one attribute of one town; the answer is known.
"""
import re
import time

import faiss
import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

faiss.omp_set_num_threads(1)
threadpool_limits(1)
rng = np.random.default_rng(0)

SYLLABLES = ["ka", "lo", "mir", "ven", "tas", "dor", "ul", "bre", "zan", "qui",
             "ros", "pel", "nia", "gor", "fen", "sha", "tul", "em", "vor", "ib"]
N_TOWNS = 400
names = set()
while len(names) < N_TOWNS:
    names.add("".join(rng.choice(SYLLABLES, size=3)).capitalize())
names = sorted(names)
RIVERS = ["Amber", "Cold", "Grey", "Long", "Swift", "Black", "Salt", "Reed"]
CRAFTS = ["glass", "rope", "cheese", "bells", "paper", "lace", "salt", "wool"]
facts = {n: {"founded": int(rng.integers(900, 1900)), "river": str(rng.choice(RIVERS)),
             "craft": str(rng.choice(CRAFTS)), "mayor": str(rng.choice(names))}
         for n in names}
FILLER = ["The town holds a market every week.", "Its old walls are partly standing.",
          "The town lies in a wide valley.", "Visitors often arrive by the northern road.",
          "Its square is paved with local stone.", "The town has two schools."]


def article(name, f):
    """The first sentence names the town; facts come later, as 'the town'."""
    lines = [f"{name} is a small town in the hill country."]
    body = [f"The town was founded in the year {f['founded']}.",
            f"The town stands on the {f['river']} river.",
            f"The town is known for making {f['craft']}.",
            f"The current mayor of the town is called {f['mayor']}."]
    body += list(rng.choice(FILLER, size=3, replace=False))
    rng.shuffle(body)
    return lines + body


articles = {n: article(n, facts[n]) for n in names}
QUESTIONS = {"founded": "In which year was {} founded?",
             "river": "On which river does {} stand?",
             "craft": "What is {} known for making?",
             "mayor": "Who is the mayor of {}?"}
PATTERNS = {"founded": r"founded in the year (\d+)", "river": r"on the (\w+) river",
            "craft": r"known for making (\w+)", "mayor": r"is called (\w+)"}
questions = [(n, a) for n in names for a in QUESTIONS]
print(f"towns = {N_TOWNS}")
print(f"questions = {len(questions)}")
# Retrieval-augmented generation:1 ends here

# [[file:../../primer.org::*Retrieval-augmented generation][Retrieval-augmented generation:2]]
def chunk(arts, size, title=False):
    """Consecutive sentences of each article, `size` at a time; with title=True
    every chunk starts with the article's title, so it names its town."""
    out = []
    for name, lines in arts.items():
        for i in range(0, len(lines), size):
            text = " ".join(lines[i:i + size])
            out.append((name, f"{name}: {text}" if title and i > 0 else text))
    return out


class Index:
    """Sparse TF-IDF scored by cosine, or dense LSA vectors in a faiss index."""
    def __init__(self, chunks, dense=False):
        self.chunks, self.dense = chunks, dense
        self.tfidf = TfidfVectorizer(lowercase=True)
        X = self.tfidf.fit_transform([t for _, t in chunks])
        if dense:
            self.svd = TruncatedSVD(64, random_state=0).fit(X)
            Z = self._embed(X)
            self.faiss = faiss.IndexFlatIP(Z.shape[1])
            self.faiss.add(Z)
        else:
            self.X = X

    def _embed(self, X):
        Z = self.svd.transform(X).astype(np.float32)
        return Z / np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-9)

    def search(self, texts, k):
        Q = self.tfidf.transform(texts)
        if self.dense:
            return self.faiss.search(self._embed(Q), k)[1]
        scores = (Q @ self.X.T).toarray()
        return np.argsort(-scores, axis=1)[:, :k]


BUDGET = 60          # words of context the reader can take, as a prompt would


def names_town(name, text):
    return re.search(rf"\b{name}\b", text) is not None


def read(name, attribute, passages):
    """Extractive reader over the first BUDGET words of the retrieved passages,
    in retrieval order: the first passage that names the town and states the
    attribute gives the answer; otherwise there is no answer."""
    left = BUDGET
    for text in passages:
        words = text.split()[:left]
        left -= len(words)
        text = " ".join(words)
        if names_town(name, text):
            found = re.search(PATTERNS[attribute], text)
            if found:
                return found.group(1)
        if left <= 0:
            break
    return None


def evaluate(index, k, truth, asked=questions):
    """Recall@k (a retrieved chunk names the town and states the true answer)
    and end-to-end accuracy of the reader, over the questions asked."""
    texts = [QUESTIONS[a].format(n) for n, a in asked]
    hits = index.search(texts, k)
    recall = correct = 0
    for (n, a), row in zip(asked, hits):
        passages = [index.chunks[j][1] for j in row if j >= 0]
        answer_text = re.compile(PATTERNS[a].replace(r"(\d+)", str(truth[n][a]))
                                 .replace(r"(\w+)", str(truth[n][a])))
        recall += any(index.chunks[j][0] == n and answer_text.search(index.chunks[j][1])
                      and names_town(n, index.chunks[j][1]) for j in row if j >= 0)
        correct += read(n, a, passages) == str(truth[n][a])
    return recall / len(asked), correct / len(asked)
# Retrieval-augmented generation:2 ends here

# [[file:../../primer.org::*Retrieval-augmented generation][Retrieval-augmented generation:3]]
# 1. Chunk size, with and without the title in every chunk (sparse, k = 3).
K = 3
excess = []        # accuracy minus recall: answers right without the right chunk
for size in [1, 2, 4, 8]:
    for title in [False, True]:
        r, a = evaluate(Index(chunk(articles, size, title)), K, facts)
        excess.append(a - r)
        tag = f"chunk{size}{'_title' if title else ''}"
        print(f"{tag}_recall = {r:.3f}")
        print(f"{tag}_accuracy = {a:.3f}")

# 2. Sparse against dense retrieval, 2-sentence chunks with titles, growing k.
chunks2 = chunk(articles, 2, title=True)
sparse, dense = Index(chunks2), Index(chunks2, dense=True)
for k in [1, 3, 10]:
    for name, index in [("sparse", sparse), ("dense", dense)]:
        r, a = evaluate(index, k, facts)
        excess.append(a - r)
        print(f"{name}_k{k}_recall = {r:.3f}")
        print(f"{name}_k{k}_accuracy = {a:.3f}")
print(f"max_accuracy_above_recall = {max(excess):.3f}")

# 3. Knowledge changes: 40 towns get a new founding year (a corrected record).
changed = list(rng.choice(names, size=40, replace=False))
new_facts = {n: dict(f) for n, f in facts.items()}
for n in changed:
    new_facts[n]["founded"] = facts[n]["founded"] + int(rng.integers(1, 50))
new_articles = {n: [s.replace(str(facts[n]["founded"]), str(new_facts[n]["founded"]))
                    for s in lines] for n, lines in articles.items()}
about_changes = [(n, "founded") for n in changed]
_, stale = evaluate(sparse, K, new_facts, about_changes)
start = time.process_time()
fresh_index = Index(chunk(new_articles, 2, title=True))
reindex_s = time.process_time() - start
_, fresh = evaluate(fresh_index, K, new_facts, about_changes)
_, everything = evaluate(fresh_index, K, new_facts)
print(f"changed_facts = {len(changed)}")
print(f"stale_index_accuracy_on_changed = {stale:.3f}")
print(f"reindexed_accuracy_on_changed = {fresh:.3f}")
print(f"reindexed_accuracy_all = {everything:.3f}")
print(f"reindex_cpu_s = {reindex_s:.3f}")
# Retrieval-augmented generation:3 ends here
