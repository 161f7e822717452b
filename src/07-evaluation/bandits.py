# [[file:../../primer.org::*Bandits][Bandits:1]]
"""Epsilon-greedy, UCB1 and Thompson sampling against an even A/B split and an A/B
test followed by shipping the winner: cumulative regret, share of traffic on the
worse arms, and how precisely each learns the arms.

Data: simulated Bernoulli arms with known rates 4 %, 4.5 %, 5 % and 6 %; 200
independent runs of 10,000 rounds each, all runs advanced in parallel.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
P = np.array([0.040, 0.045, 0.050, 0.060])
K, T, RUNS = len(P), 10_000, 200
BEST = P.argmax()
rows = np.arange(RUNS)


def run(policy):
    plays, wins = np.zeros((RUNS, K)), np.zeros((RUNS, K))
    regret = np.zeros((RUNS, T))
    for t in range(T):
        means = wins / np.maximum(plays, 1)
        if policy == "ab_split":
            arm = rng.integers(0, K, RUNS)
        elif policy == "ab_then_ship":
            arm = rng.integers(0, K, RUNS) if t < T // 4 else shipped
        elif policy == "epsilon_greedy":
            explore = rng.random(RUNS) < 0.1
            arm = np.where(explore, rng.integers(0, K, RUNS), means.argmax(axis=1))
        elif policy in ("ucb1", "ucb1_tuned"):
            n = np.maximum(plays, 1e-9)
            if policy == "ucb1":
                bonus = np.sqrt(2 * np.log(t + 1) / n)
            else:   # UCB1-Tuned: the bonus scales with the arm's estimated variance
                var = means * (1 - means) + np.sqrt(2 * np.log(t + 1) / n)
                bonus = np.sqrt(np.log(t + 1) / n * np.minimum(0.25, var))
            arm = np.where(plays.min(axis=1) == 0, plays.argmin(axis=1),
                           (means + bonus).argmax(axis=1))
        else:   # thompson: one draw from each arm's Beta(1 + wins, 1 + losses)
            arm = rng.beta(1 + wins, 1 + plays - wins).argmax(axis=1)
        reward = rng.random(RUNS) < P[arm]
        plays[rows, arm] += 1
        wins[rows, arm] += reward
        regret[:, t] = P[BEST] - P[arm]
        if policy == "ab_then_ship" and t == T // 4 - 1:
            shipped = (wins / plays).argmax(axis=1)
    return regret.cumsum(axis=1), plays


curves = {}
for policy in ["ab_split", "ab_then_ship", "epsilon_greedy", "ucb1", "ucb1_tuned", "thompson"]:
    cum, plays = run(policy)
    curves[policy] = cum.mean(axis=0)
    final = cum[:, -1]
    print(f"{policy}_regret = {final.mean():.1f}")
    print(f"{policy}_regret_se = {final.std(ddof=1) / np.sqrt(RUNS):.2f}")
    print(f"{policy}_worse_arm_share = {1 - plays[:, BEST].mean() / T:.3f}")
    print(f"{policy}_plays_worst_arm = {plays[:, 0].mean():.0f}")
    print(f"{policy}_best_arm_most_played = {np.mean(plays.argmax(axis=1) == BEST):.2f}")
    # precision about the worst arm: standard error of its estimated rate
    print(f"{policy}_worst_arm_rate_se = {np.mean(np.sqrt(P[0] * (1 - P[0]) / plays[:, 0])):.4f}")
# Bandits:1 ends here

# [[file:../../primer.org::*Bandits][Bandits:2]]
fig, ax = plt.subplots(figsize=(7, 4))
styles = {"ab_split": ("#999999", "even A/B split"),
          "ab_then_ship": ("#222222", "A/B for 2,500 rounds, then ship"),
          "epsilon_greedy": ("#d99a5e", "epsilon-greedy (0.1)"),
          "ucb1": ("#4a7a96", "UCB1"), "ucb1_tuned": ("#6a9a5b", "UCB1-Tuned"),
          "thompson": ("#b5523b", "Thompson sampling")}
for policy, (colour, label) in styles.items():
    ax.plot(np.arange(1, T + 1), curves[policy], color=colour, label=label)
ax.set_xlabel("round")
ax.set_ylabel("cumulative regret (successes lost)")
ax.set_title("Four arms (4 %, 4.5 %, 5 %, 6 %), mean of 200 runs")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "bandits.png", dpi=120)
# Bandits:2 ends here
