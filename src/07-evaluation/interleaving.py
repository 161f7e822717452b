# [[file:../../primer.org::*Interleaving][Interleaving:1]]
"""Users needed to detect a known ranking improvement: A/B test against team-draft
interleaving, under a position-based click model.

Data: 60,000 simulated users, each issuing 1 + Poisson(3) queries.  A query has 10
candidates with known attraction probabilities.  Ranker A sorts them by
attraction logit + N(0, 1.0^2) noise, ranker B with N(0, 0.7^2) noise (B is better).
Users see 5 results and click position k with probability theta_k * alpha * u,
theta_k = 1 / k, where u is the user's own click propensity (log-normal).
"""
import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)
N_USERS, N_ITEMS, SHOWN = 60_000, 10, 5
THETA = 1 / np.arange(1, SHOWN + 1)
NOISE = {"A": 1.0, "B": 0.7}

n_queries = 1 + rng.poisson(3, N_USERS)
user = np.repeat(np.arange(N_USERS), n_queries)            # the user of each query
propensity = np.minimum(rng.lognormal(-0.3, 0.8, N_USERS), 4.0)[user]
logit = rng.normal(-1.0, 1.2, (len(user), N_ITEMS))
alpha = 1 / (1 + np.exp(-logit))
rank = {r: np.argsort(-(logit + rng.normal(0, s, logit.shape)), axis=1) for r, s in NOISE.items()}


def click_probability(shown):
    return np.clip(THETA * np.take_along_axis(alpha, shown, axis=1) * propensity[:, None], 0, 1)


def clicks_on(shown):
    """Click indicators on the shown items (rows = queries, columns = positions)."""
    p = click_probability(shown)
    return rng.random(p.shape) < p


def per_user(values):
    return np.bincount(user, weights=values, minlength=N_USERS)


# A/B test: a user sees one ranker for all their queries; the metric is clicks per user.
ab = {r: per_user(clicks_on(rank[r][:, :SHOWN]).sum(axis=1)) for r in NOISE}
# The simulated populations' lift, and the lift in expectation (no click noise).
expected = {r: per_user(click_probability(rank[r][:, :SHOWN]).sum(axis=1)) for r in NOISE}
delta_ab = ab["B"].mean() - ab["A"].mean()
var_ab = (ab["A"].var() + ab["B"].var()) / 2
print(f"ab_delta = {delta_ab:.4f}")
print(f"ab_delta_expected = {expected['B'].mean() - expected['A'].mean():.4f}")
print(f"ab_delta_se = {np.sqrt(2 * var_ab / N_USERS):.4f}")
print(f"ab_clicks_per_user_A = {ab['A'].mean():.4f}")
print(f"ab_clicks_per_user_B = {ab['B'].mean():.4f}")
print(f"ab_relative_lift = {delta_ab / ab['A'].mean():.4f}")
print(f"ab_clicks_per_user_sd = {np.sqrt(var_ab):.3f}")
# Interleaving:1 ends here

# [[file:../../primer.org::*Interleaving][Interleaving:2]]
def team_draft(a, b):
    """Shown items and their team (0 = A, 1 = B) for every query at once."""
    n = len(a)
    used = np.zeros((n, N_ITEMS), bool)
    picks = np.zeros((n, 2), int)
    shown, team = np.zeros((n, SHOWN), int), np.zeros((n, SHOWN), int)
    rows = np.arange(n)
    for k in range(SHOWN):
        tie = picks[:, 0] == picks[:, 1]
        t = np.where(tie, rng.random(n) < 0.5, picks[:, 1] < picks[:, 0]).astype(int)
        source = np.where(t[:, None] == 0, a, b)
        free = ~used[rows[:, None], source]                  # in the source's order
        item = source[rows, free.argmax(axis=1)]             # its best unused item
        shown[:, k], team[:, k] = item, t
        used[rows, item] = True
        picks[rows, t] += 1
    return shown, team


shown, team = team_draft(rank["A"], rank["B"])
c = clicks_on(shown)
margin = per_user((c & (team == 1)).sum(axis=1) - (c & (team == 0)).sum(axis=1))
preference = np.sign(margin)                                 # +1: B wins this user
print(f"interleaving_b_share_of_shown = {team.mean():.3f}")
print(f"interleaving_b_wins = {np.mean(preference > 0):.4f}")
print(f"interleaving_a_wins = {np.mean(preference < 0):.4f}")
print(f"interleaving_ties = {np.mean(preference == 0):.4f}")

# Users needed for 80 % power at a two-sided 5 % level.
z = norm.ppf(0.975) + norm.ppf(0.80)
users_ab = 2 * (2 * var_ab * z**2 / delta_ab**2)            # both arms together
users_il = preference.var() * z**2 / preference.mean() ** 2
print(f"preference_mean = {preference.mean():.4f}")
print(f"preference_mean_se = {preference.std() / np.sqrt(N_USERS):.4f}")
print(f"users_needed_ab = {users_ab:,.0f}")
print(f"users_needed_interleaving = {users_il:,.0f}")
print(f"ratio_ab_to_interleaving = {users_ab / users_il:.1f}")
# The same ratio with both effects moved two standard errors in the A/B test's favour.
se_ab, se_il = np.sqrt(2 * var_ab / N_USERS), preference.std() / np.sqrt(N_USERS)
low = ((2 * 2 * var_ab * z**2 / (delta_ab + 2 * se_ab) ** 2)
       / (preference.var() * z**2 / (preference.mean() - 2 * se_il) ** 2))
print(f"ratio_ab_to_interleaving_low = {low:.1f}")

# Check both sample sizes by drawing users from the simulated populations.
REPS = 400


def power(sample):
    return np.mean([abs(sample()) > norm.ppf(0.975) for _ in range(REPS)])


def t_ab(n_arm):
    a, b = rng.choice(ab["A"], n_arm), rng.choice(ab["B"], n_arm)
    return (b.mean() - a.mean()) / np.sqrt((a.var() + b.var()) / n_arm)


def t_il(n):
    d = rng.choice(preference, n)
    return d.mean() / (d.std() / np.sqrt(n))


print(f"power_ab_at_n = {power(lambda: t_ab(int(users_ab / 2))):.3f}")
print(f"power_interleaving_at_n = {power(lambda: t_il(int(users_il))):.3f}")
print(f"power_ab_at_interleaving_n = {power(lambda: t_ab(int(users_il / 2))):.3f}")
print(f"power_mc_se = {np.sqrt(0.8 * 0.2 / REPS):.3f}")
# Interleaving:2 ends here
