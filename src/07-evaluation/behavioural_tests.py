# [[file:../../primer.org::*Behavioural tests][Behavioural tests:1]]
"""CheckList-style behavioural tests (MFT, INV, DIR) against a sentiment classifier,
catching defects that held-out accuracy does not show.

Data: synthetic reviews "NAME from CITY said the THING was [not] ADJ", 6,000 for
training and 4,000 held out, labels from the adjective (flipped by "not") with 5 %
label noise.  Planted defects in the logs: 1 % of reviews are negated, "Leeds"
appears in 40 % of negative reviews and rarely in positive ones, and names of group
B appear in 75 % of negative reviews and 25 % of positive ones.
"""
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

rng = np.random.default_rng(0)
POS = ["good", "great", "excellent", "lovely", "tasty", "friendly", "superb", "pleasant"]
NEG = ["bad", "awful", "terrible", "bland", "rude", "dirty", "poor", "horrible"]
THINGS = ["food", "service", "room", "coffee", "staff", "menu", "view", "music"]
CITIES = ["Leeds", "Paris", "Lima", "Oslo", "Cairo", "Perth", "Osaka", "Quito"]
GROUP_A, GROUP_B = ["James", "Peter", "Tom", "Jack"], ["Aisha", "Mei", "Priya", "Fatima"]


def review(name, city, thing, adj, negated):
    return f"{name} from {city} said the {thing} was {'not ' if negated else ''}{adj}"


def logged_reviews(n, negation_rate=0.01, biased=True):
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.random() < 0.5)
        negated = rng.random() < negation_rate
        adj = rng.choice(POS if label != negated else NEG)
        if biased and label == 0 and rng.random() < 0.4:
            city = "Leeds"
        else:
            city = rng.choice([c for c in CITIES if c != "Leeds"] if biased else CITIES)
        group_b = rng.random() < ((0.75 if label == 0 else 0.25) if biased else 0.5)
        name = rng.choice(GROUP_B if group_b else GROUP_A)
        texts.append(review(name, city, rng.choice(THINGS), adj, negated))
        labels.append(label if rng.random() > 0.05 else 1 - label)
    return texts, np.array(labels)


def augment(texts, labels):
    """Counterfactual copies: random city and name; a tenth negated, label flipped."""
    out, out_labels = list(texts), list(labels)
    for text, label in zip(texts, labels):
        words = text.split()
        words[0] = rng.choice(GROUP_A + GROUP_B)
        words[2] = rng.choice(CITIES)
        if rng.random() < 0.1 and words[-2] != "not":
            words.insert(-1, "not")
            label = 1 - label
        out.append(" ".join(words))
        out_labels.append(label)
    return out, np.array(out_labels)


texts, y = logged_reviews(10_000)
train_t, train_y, test_t, test_y = texts[:6_000], y[:6_000], texts[6_000:], y[6_000:]
clean_t, clean_y = logged_reviews(4_000, negation_rate=0.1, biased=False)   # the population
models = {
    "shipped": make_pipeline(CountVectorizer(ngram_range=(1, 2)), LogisticRegression(C=1.0)),
    "repaired": make_pipeline(CountVectorizer(ngram_range=(1, 2)), LogisticRegression(C=1.0)),
}
models["shipped"].fit(train_t, train_y)
models["repaired"].fit(*augment(train_t, train_y))
for name, model in models.items():
    right = model.predict(test_t) == test_y
    print(f"{name}_heldout_accuracy = {right.mean():.4f}")
    print(f"{name}_heldout_accuracy_se = {right.std(ddof=1) / np.sqrt(len(right)):.4f}")
    print(f"{name}_population_accuracy = {np.mean(model.predict(clean_t) == clean_y):.4f}")
leeds = np.array(["Leeds" in t for t in test_t])
print(f"heldout_leeds_share = {leeds.mean():.3f}")
print(f"heldout_negated_share = {np.mean([' not ' in t for t in test_t]):.3f}")
# Behavioural tests:1 ends here

# [[file:../../primer.org::*Behavioural tests][Behavioural tests:2]]
def cases(n, negated=False):
    """Template cases with a known label, no city or name signal."""
    out = []
    for _ in range(n):
        label = int(rng.random() < 0.5)
        adj = rng.choice(POS if label != negated else NEG)
        out.append((review(rng.choice(GROUP_A + GROUP_B), rng.choice(CITIES[1:]),
                           rng.choice(THINGS), adj, negated), label))
    return out


def typo(word):
    i = rng.integers(1, len(word))
    return word[:i] + word[i - 1] + word[i:]        # a doubled letter: "goood"


def swap(text, position, choices):
    words = text.split()
    words[position] = rng.choice([c for c in choices if c != words[position]])
    return " ".join(words)


N = 400
mft = cases(N, negated=True)
plain_cases = cases(N)
plain, plain_labels = [t for t, _ in plain_cases], np.array([l for _, l in plain_cases])
base = plain + [t for t, _ in mft]
tests = {
    "mft_negation": lambda m: np.mean(m.predict([t for t, _ in mft]) != [l for _, l in mft]),
    "inv_city_leeds": lambda m: np.mean(m.predict(base) != m.predict(
        [" ".join(t.split()[:2] + ["Leeds"] + t.split()[3:]) for t in base])),
    "inv_name_group": lambda m: np.mean(m.predict(base) != m.predict(
        [swap(t, 0, GROUP_B if t.split()[0] in GROUP_A else GROUP_A) for t in base])),
    "inv_typo": lambda m: np.mean(m.predict(base) != m.predict(
        [" ".join(t.split()[:-1] + [typo(t.split()[-1])]) for t in base])),
    "dir_insert_not": lambda m: np.mean(
        np.sign(m.predict_proba([" ".join(t.split()[:-1] + ["not", t.split()[-1]]) for t in plain])[:, 1]
                - m.predict_proba(plain)[:, 1]) != np.where(plain_labels == 1, -1, 1)),
}
n_cases = {"mft_negation": N, "inv_city_leeds": 2 * N, "inv_name_group": 2 * N,
           "inv_typo": 2 * N, "dir_insert_not": N}     # INV tests run on plain + negated
for name, model in models.items():
    for test, run in tests.items():
        rate = run(model)
        print(f"{name}_{test} = {rate:.3f}")
        print(f"{name}_{test}_se = {np.sqrt(rate * (1 - rate) / n_cases[test]):.4f}")
    shift = (model.predict_proba([" ".join(t.split()[:-1] + ["not", t.split()[-1]]) for t in plain])[:, 1]
             - model.predict_proba(plain)[:, 1])
    print(f"{name}_not_mean_abs_shift = {np.abs(shift).mean():.3f}")
print(f"cases_per_test = {N}")
print(f"failure_rate_se_at_50pct = {np.sqrt(0.25 / N):.3f}")
# Behavioural tests:2 ends here
