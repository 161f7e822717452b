# [[file:../../primer.org::*Data augmentation][Data augmentation:1]]
"""Label-preserving augmentation as a substitute for labelled data.

Data: scikit-learn's 8x8 handwritten digits (1,797 images).  Half of them are a
fixed test set.  From the other half, 10 images per class are drawn, five times
with different seeds, and the same small convolutional network is trained on
them three ways: on the images as they are; with small random rotations, shifts
and rescalings (torchvision.transforms.v2.RandomAffine); and with those plus
random horizontal flips, which do not preserve what a digit is.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torchvision.transforms import v2

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)  # tensors this small run slower when split across threads

PER_CLASS = 10   # labelled training images per digit
SEEDS = 5        # independent draws of the training images
STEPS = 60       # full-batch Adam steps per training run
COPIES = 6       # random variants prepared per training image

digits = load_digits()
images = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
labels = torch.tensor(digits.target)
pool, test = train_test_split(np.arange(len(labels)), test_size=0.5,
                              stratify=digits.target, random_state=0)
print(f"train_images = {PER_CLASS * 10}")
print(f"test_images = {len(test)}")

affine = v2.RandomAffine(degrees=12, translate=(0.1, 0.1), scale=(0.9, 1.1),
                         interpolation=v2.InterpolationMode.BILINEAR)
affine_and_flip = v2.Compose([v2.RandomHorizontalFlip(p=0.5), affine])
# Data augmentation:1 ends here

# [[file:../../primer.org::*Data augmentation][Data augmentation:2]]
def variants(x: torch.Tensor, transform) -> torch.Tensor:
    """(COPIES + 1, n, 1, 8, 8): the originals, then COPIES random variants of each.
    v2 transforms draw one set of parameters per call, so each image is its own call."""
    drawn = [torch.stack([transform(img) for img in x]) for _ in range(COPIES)]
    return torch.stack([x, *drawn])


def small_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 4 * 4, 10))


def train_and_test(bank: torch.Tensor, y: torch.Tensor, seed: int) -> float:
    """Train on `bank` (one row per version of the training set) and return test accuracy.
    Every step uses, for each training image, one version picked at random."""
    torch.manual_seed(seed)
    model = small_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1.5e-2, weight_decay=1e-4)
    n = len(y)
    for _ in range(STEPS):
        x = bank[torch.randint(0, len(bank), (n,)), torch.arange(n)]
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        predicted = model(images[test]).argmax(1)
    return (predicted == labels[test]).float().mean().item()


rng = np.random.default_rng(0)
acc = {"plain": [], "affine": [], "flip": []}
for seed in range(SEEDS):
    chosen = np.concatenate([rng.choice(pool[digits.target[pool] == c], PER_CLASS,
                                        replace=False) for c in range(10)])
    x, y = images[chosen], labels[chosen]
    torch.manual_seed(seed)
    banks = {"plain": x.unsqueeze(0), "affine": variants(x, affine),
             "flip": variants(x, affine_and_flip)}
    for name, bank in banks.items():
        acc[name].append(train_and_test(bank, y, seed))

mean = {name: float(np.mean(a)) for name, a in acc.items()}
for name in acc:
    print(f"acc_{name} = {mean[name]:.3f}")
    print(f"acc_{name}_per_seed = " + " ".join(f"{a:.3f}" for a in acc[name]))
print(f"gain_affine_points = {100 * (mean['affine'] - mean['plain']):.1f}")
print(f"error_cut_affine_pct = {100 * (1 - (1 - mean['affine']) / (1 - mean['plain'])):.0f}")
print(f"affine_wins = {sum(a > p for a, p in zip(acc['affine'], acc['plain']))}")
print(f"loss_flip_vs_affine_points = {100 * (mean['affine'] - mean['flip']):.1f}")
print(f"loss_flip_vs_plain_points = {100 * (mean['plain'] - mean['flip']):.1f}")
# Data augmentation:2 ends here

# [[file:../../primer.org::*Data augmentation][Data augmentation:3]]
torch.manual_seed(1)
shown = [int(np.flatnonzero(digits.target[pool] == c)[0]) for c in (2, 3, 5, 7)]
fig = plt.figure(figsize=(10, 3.4))
left, right = fig.subfigures(1, 2, width_ratios=[1.5, 1])
cells = left.subplots(4, 8)
for row, i in enumerate(shown):
    original = images[pool[i]]
    versions = [original] + [affine(original) for _ in range(6)] + [v2.functional.horizontal_flip(original)]
    for col, img in enumerate(versions):
        ax = cells[row, col]
        ax.imshow(img[0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if col == 7:
            for side in ax.spines.values():
                side.set_color("#b5523b")
                side.set_linewidth(2)
cells[0, 0].set_title("original", fontsize=8)
cells[0, 3].set_title("RandomAffine draws", fontsize=8)
cells[0, 7].set_title("flipped", fontsize=8, color="#b5523b")
ax = right.subplots()
for i, name in enumerate(["plain", "affine", "flip"]):
    ax.scatter(acc[name], [i] * SEEDS, color="#999999", s=16)
    ax.plot(mean[name], i, "D", color="#222222")
ax.set_yticks(range(3), ["no augmentation", "rotate/shift/scale", "... plus flips"])
ax.set_ylim(-0.5, 2.5)
ax.set_xlabel("test accuracy per draw\n(diamond: mean)")
ax.set_title(f"{PER_CLASS} training images per digit", fontsize=10)
right.subplots_adjust(left=0.36, right=0.94, bottom=0.18, top=0.88)
fig.savefig(IMG / "augmentation_digits.png", dpi=120)
# Data augmentation:3 ends here
