# [[file:../../primer.org::*Hyperparameter search][Hyperparameter search:3]]
"""Successive halving (HalvingRandomSearchCV) against plain random search
(RandomizedSearchCV) with the same candidates: training work, time and accuracy.

Data: scikit-learn's bundled digits (1,797 images, 10 classes); 900 rows for the
search (3-fold cross-validation inside), the rest held out.  Model: an RBF SVC
with C and gamma drawn log-uniformly.  Three seeds.
"""
import time

import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingRandomSearchCV, RandomizedSearchCV, train_test_split
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

threadpool_limits(1)
X, y = load_digits(return_X_y=True)
X = X / 16.0
X_search, X_test, y_search, y_test = train_test_split(X, y, train_size=900, random_state=0,
                                                      stratify=y)
space = {"C": loguniform(1e-1, 1e3), "gamma": loguniform(1e-3, 1e0)}
N_CANDIDATES, CV = 12, 3
stats = {"random": [], "halving": []}
for seed in range(3):
    searches = {
        "random": RandomizedSearchCV(SVC(), space, n_iter=N_CANDIDATES, cv=CV, random_state=seed),
        "halving": HalvingRandomSearchCV(SVC(), space, n_candidates=N_CANDIDATES, factor=3,
                                         min_resources=40, cv=CV, random_state=seed),
    }
    for name, search in searches.items():
        start = time.process_time()
        search.fit(X_search, y_search)
        seconds = time.process_time() - start
        res = search.cv_results_
        rows = res["n_resources"] if name == "halving" else np.full(len(res["params"]), len(y_search))
        work = CV * np.sum(rows) * (CV - 1) / CV            # training rows summed over fits
        stats[name].append((search.score(X_test, y_test), search.best_score_, work, seconds,
                            len(res["params"])))
for name, rows in stats.items():
    test_acc, cv_acc, work, seconds, fits = np.array(rows).T
    print(f"{name}_test_accuracy = {test_acc.mean():.4f}")
    print(f"{name}_test_accuracy_sd = {test_acc.std(ddof=1):.4f}")
    print(f"{name}_best_cv_accuracy = {cv_acc.mean():.4f}")
    print(f"{name}_training_rows_k = {work.mean() / 1000:.1f}")
    print(f"{name}_cpu_seconds = {seconds.mean():.2f}")
    print(f"{name}_evaluations = {fits.mean():.0f}")
d = np.array([a[0] - b[0] for a, b in zip(stats["halving"], stats["random"])])
print(f"halving_minus_random_test = {d.mean():.4f}")
print(f"halving_minus_random_test_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")
print(f"work_ratio = {np.mean([b[2] for b in stats['random']]) / np.mean([a[2] for a in stats['halving']]):.1f}")
# Hyperparameter search:3 ends here
