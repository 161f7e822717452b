# [[file:../../primer.org::*Diffusion models][Diffusion models:1]]
"""A small denoising diffusion model (DDPM) on a 2-D mixture of Gaussians with a
known density: sample quality (MMD to fresh true samples, against the MMD between
two true samples) against the number of sampling steps and the training time.

Data: eight Gaussians (sd 0.15) evenly spaced on a circle of radius 2.  Model: a
three-layer perceptron that predicts the added noise from the noisy point and a
sinusoidal embedding of the step.  One CPU thread.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn

IMG = Path(__file__).resolve().parents[2] / "img" / "10-retrieval"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

N_MODES, RADIUS, MODE_SD = 8, 2.0, 0.15
angles = 2 * np.pi * np.arange(N_MODES) / N_MODES
modes = RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def true_sample(n):
    return modes[rng.integers(N_MODES, size=n)] + MODE_SD * rng.normal(size=(n, 2))


# Forward process: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, linear betas.
T = 200
betas = torch.linspace(1e-4, 0.04, T, dtype=torch.float64)
abar = torch.cumprod(1 - betas, dim=0)
print(f"abar_final = {abar[-1].item():.4f}")
# Diffusion models:1 ends here

# [[file:../../primer.org::*Diffusion models][Diffusion models:2]]
class Denoiser(nn.Module):
    """Predicts the noise in x_t from x_t and the step t."""
    def __init__(self, width=128, emb=32):
        super().__init__()
        self.register_buffer("freqs", torch.exp(torch.linspace(0, np.log(100), emb // 2)))
        self.net = nn.Sequential(nn.Linear(2 + emb, width), nn.SiLU(),
                                 nn.Linear(width, width), nn.SiLU(),
                                 nn.Linear(width, width), nn.SiLU(), nn.Linear(width, 2))

    def forward(self, x, t):
        phase = (t[:, None].float() / T) * self.freqs[None, :]
        time_emb = torch.cat([torch.sin(phase), torch.cos(phase)], dim=1)
        return self.net(torch.cat([x, time_emb], dim=1))


model = Denoiser()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
BATCH, TOTAL_STEPS = 256, 4_000
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, TOTAL_STEPS)


def train(steps):
    """Ho et al.'s simple loss: || eps - eps_theta(x_t, t) ||^2 at a random t."""
    for _ in range(steps):
        x0 = torch.tensor(true_sample(BATCH), dtype=torch.float32)
        t = torch.randint(0, T, (BATCH,))
        eps = torch.randn_like(x0)
        a = abar[t].float()[:, None]
        loss = ((model(a.sqrt() * x0 + (1 - a).sqrt() * eps, t) - eps) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
# Diffusion models:2 ends here

# [[file:../../primer.org::*Diffusion models][Diffusion models:3]]
@torch.no_grad()
def sample(n, steps, ancestral=False, seed=0):
    """Generate n points.  ancestral=True: DDPM's T-step stochastic sampler;
    otherwise the deterministic DDIM update on `steps` evenly spaced steps."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    grid = list(range(T - 1, -1, -1)) if ancestral else \
        np.linspace(T - 1, 0, steps).round().astype(int).tolist()
    for i, t in enumerate(grid):
        tt = torch.full((n,), t)
        eps = model(x, tt)
        a_t = abar[t].float()
        if ancestral:
            mean = (x - betas[t].float() / (1 - a_t).sqrt() * eps) / (1 - betas[t].float()).sqrt()
            var = betas[t].float() * (1 - abar[t - 1].float()) / (1 - a_t) if t > 0 else 0.0
            x = mean + (var ** 0.5) * torch.randn(n, 2, generator=g) if t > 0 else mean
        else:
            x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
            a_next = abar[grid[i + 1]].float() if i + 1 < len(grid) else torch.tensor(1.0)
            x = a_next.sqrt() * x0 + (1 - a_next).sqrt() * eps
    return x.numpy()


def mmd2(a, b, widths=(0.05, 0.2, 1.0)):
    """Biased squared MMD with a sum of Gaussian kernels (never below zero)."""
    def k(x, y):
        d2 = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        return sum(np.exp(-d2 / (2 * w ** 2)) for w in widths)
    return k(a, a).mean() + k(b, b).mean() - 2 * k(a, b).mean()


N_EVAL, REPEATS = 600, 5
floor = [mmd2(true_sample(N_EVAL), true_sample(N_EVAL)) for _ in range(REPEATS)]
print(f"mmd_floor = {1e3 * np.mean(floor):.2f}")        # reported x 1,000
print(f"mmd_floor_sd = {1e3 * np.std(floor, ddof=1):.2f}")


def quality(steps, ancestral=False):
    vals = [mmd2(sample(N_EVAL, steps, ancestral=ancestral, seed=r), true_sample(N_EVAL))
            for r in range(REPEATS)]
    return 1e3 * np.mean(vals), 1e3 * np.std(vals, ddof=1)
# Diffusion models:3 ends here

# [[file:../../primer.org::*Diffusion models][Diffusion models:4]]
# Training time: quality (50 sampling steps) after growing numbers of updates.
cpu, done, curve = 0.0, 0, []
for total in [250, 500, 1_000, 2_000, 4_000]:
    start = time.process_time()
    train(total - done)
    cpu += time.process_time() - start
    done = total
    m, s = quality(50)
    curve.append((total, cpu, m, s))
    print(f"train{total}_cpu_s = {cpu:.1f}")
    print(f"train{total}_mmd = {m:.2f}")
    print(f"train{total}_mmd_sd = {s:.2f}")

# Sampling steps: the fully trained model, deterministic sampler.
steps_curve = []
for steps in [1, 2, 5, 10, 20, 50, 200]:
    m, s = quality(steps)
    steps_curve.append((steps, m, s))
    print(f"steps{steps}_mmd = {m:.2f}")
    print(f"steps{steps}_mmd_sd = {s:.2f}")
m, s = quality(T, ancestral=True)
print(f"ancestral{T}_mmd = {m:.2f}")
print(f"ancestral{T}_mmd_sd = {s:.2f}")
# Diffusion models:4 ends here

# [[file:../../primer.org::*Diffusion models][Diffusion models:5]]
fig, axes = plt.subplots(1, 4, figsize=(14, 3.6))
truth = true_sample(2_000)
axes[0].scatter(*truth.T, s=2, color="#999999")
axes[0].set_title("true samples")
for ax, steps in zip(axes[1:3], [2, 50]):
    x = sample(2_000, steps)
    ax.scatter(*x.T, s=2, color="#4a7a96")
    ax.set_title(f"model, {steps} sampling steps")
for ax in axes[:3]:
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
axes[3].errorbar([s for s, _, _ in steps_curve], [m for _, m, _ in steps_curve],
                 yerr=[s for _, _, s in steps_curve], fmt="o-", color="#4a7a96",
                 capsize=3, label="model")
axes[3].axhspan(1e3 * (np.mean(floor) - 2 * np.std(floor, ddof=1)),
                1e3 * (np.mean(floor) + 2 * np.std(floor, ddof=1)), color="#dddddd",
                label="two true samples")
axes[3].set_xscale("log")
axes[3].set_yscale("log")
axes[3].set_xlabel("sampling steps (log)")
axes[3].set_ylabel("MMD² × 1,000 (log)")
axes[3].legend(fontsize=8)
axes[3].set_title("Quality against steps")
fig.tight_layout()
fig.savefig(IMG / "diffusion_2d.png", dpi=120)
# Diffusion models:5 ends here
