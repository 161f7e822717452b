# [[file:../../primer.org::*Knowledge distillation][Knowledge distillation:1]]
"""Knowledge distillation: a small student trained on an ensemble's softened outputs.

Data: scikit-learn's 8x8 digits, 70 % for training and 30 % held out.  The
teacher is an ensemble of five perceptrons with two hidden layers of width 192;
the student has one hidden layer of 32 units.  The student learns from the
training rows, either from their hard labels or from a mix of hard labels and
the teacher's probabilities softened by a temperature T (T = 1, 2, 4, 8).
Every student variant is trained for the same steps from the same initial
weights, over ten seeds at once (one batched network per seed); accuracy,
log-loss and expected calibration error (ECE) are measured on held-out digits.
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
from torch.nn import functional as F

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
SEEDS, STEPS, HIDDEN, ALPHA = 10, 400, 32, 0.7
WIDE = 192                                   # width of each teacher member
TEMPERATURES = [1, 2, 4, 8]

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.data.astype(np.float32) / 16.0, digits.target, test_size=0.3,
    stratify=digits.target, random_state=0)
X_tr, X_te = torch.tensor(X_tr), torch.tensor(X_te)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)


def ensemble_logits(rows, x_eval):
    """Train five wide perceptrons on X_tr[rows]; return their logits on x_eval and X_te."""
    logits, logits_te = [], []
    for k in range(5):
        torch.manual_seed(100 + k)
        net = nn.Sequential(nn.Linear(64, WIDE), nn.ReLU(), nn.Linear(WIDE, WIDE), nn.ReLU(),
                            nn.Linear(WIDE, 10))
        opt = torch.optim.Adam(net.parameters(), lr=3e-3)
        gen = torch.Generator().manual_seed(100 + k)
        for _ in range(250):
            batch = rows[torch.randint(0, len(rows), (128,), generator=gen)]
            opt.zero_grad()
            F.cross_entropy(net(X_tr[batch]), y_tr[batch]).backward()
            opt.step()
        with torch.no_grad():
            logits.append(net(x_eval))
            logits_te.append(net(X_te))
    params = 5 * sum(p.numel() for p in net.parameters())
    return torch.stack(logits), torch.stack(logits_te), params


def scores(probs):
    """Accuracy, log-loss and 15-bin ECE for each seed; probs is seeds x rows x classes."""
    conf, pred = probs.max(-1)
    correct = (pred == y_te).float()
    bins = torch.clamp((conf * 15).long(), max=14)
    ece = torch.zeros(len(probs))
    for b in range(15):
        inside = (bins == b).float()
        gap = ((correct - conf) * inside).sum(1).abs()
        ece += gap / len(y_te)
    nll = -torch.log(probs.gather(-1, y_te.expand(len(probs), -1)[..., None])
                     .clamp_min(1e-12)).mean((1, 2))
    return correct.mean(1).numpy(), nll.numpy(), ece.numpy()


def students(hard_rows, soft_rows=None, soft=None, T=1.0, alpha=0.0):
    """SEEDS students with one hidden layer, trained at once as one batched network.

    Loss: (1 - alpha) * cross-entropy on a batch of hard_rows
          + alpha * T^2 * KL(teacher's soft targets || student at temperature T)
          on a batch of soft_rows.  The seed fixes initial weights and batches, so
          every variant starts from the same students.
    """
    gen = torch.Generator().manual_seed(0)
    W1 = (torch.randn(SEEDS, 64, HIDDEN, generator=gen) / 8).requires_grad_()
    b1 = torch.zeros(SEEDS, 1, HIDDEN, requires_grad=True)
    W2 = (torch.randn(SEEDS, HIDDEN, 10, generator=gen) / HIDDEN ** 0.5).requires_grad_()
    b2 = torch.zeros(SEEDS, 1, 10, requires_grad=True)
    forward = lambda x: torch.relu(x @ W1 + b1) @ W2 + b2          # noqa: E731
    opt = torch.optim.Adam([W1, b1, W2, b2], lr=3e-3)
    for _ in range(STEPS):
        rows = hard_rows[torch.randint(0, len(hard_rows), (SEEDS, 128), generator=gen)]
        out = forward(X_tr[rows])
        loss = (1 - alpha) * F.cross_entropy(out.reshape(-1, 10), y_tr[rows].reshape(-1))
        if alpha > 0:
            srows = soft_rows[torch.randint(0, len(soft_rows), (SEEDS, 128), generator=gen)]
            log_q = F.log_softmax(forward(X_tr[srows]) / T, -1)
            kl = F.kl_div(log_q.reshape(-1, 10), soft[srows].reshape(-1, 10),
                          reduction="batchmean")
            loss = loss + alpha * T * T * kl        # T^2 keeps gradient scales comparable
        opt.zero_grad()
        (loss * SEEDS).backward()                   # each seed gets its own full gradient
        opt.step()
    with torch.no_grad():
        return scores(F.softmax(forward(X_te), -1))


all_rows = torch.arange(len(X_tr))
teacher_tr, teacher_te, teacher_params = ensemble_logits(all_rows, X_tr)
member_acc = (teacher_te.argmax(-1) == y_te).float().mean(1)
t_acc, _, t_ece = scores(F.softmax(teacher_te, -1).mean(0, keepdim=True))
student_params = 64 * HIDDEN + HIDDEN + HIDDEN * 10 + 10
print(f"teacher_member_accuracy = {member_acc.mean():.3f}")
print(f"teacher_accuracy = {t_acc[0]:.3f}")
print(f"teacher_ece = {t_ece[0]:.3f}")
print(f"size_ratio = {teacher_params / student_params:.0f}")
print(f"member_size_ratio = {teacher_params / 5 / student_params:.0f}")
# how much "dark knowledge" the soft targets carry on the training inputs
p_train = F.softmax(teacher_tr, -1).mean(0)
print(f"teacher_train_true_class_prob = {p_train[all_rows, y_tr].mean():.3f}")

# Hard labels against softened targets at four temperatures, on the same inputs.
hard = students(all_rows)
res = {"hard": hard}
for T in TEMPERATURES:
    soft = F.softmax(teacher_tr / T, -1).mean(0)
    res[f"T{T}"] = students(all_rows, all_rows, soft, T=T, alpha=ALPHA)
for name, (acc, nll, ece) in res.items():
    print(f"student_{name}_accuracy = {acc.mean():.3f}")
    print(f"student_{name}_accuracy_sd = {acc.std(ddof=1):.3f}")
    print(f"student_{name}_nll = {nll.mean():.3f}")
    print(f"student_{name}_ece = {ece.mean():.3f}")
    if name != "hard":       # paired over seeds: same initial weights and batches
        diff = acc - hard[0]
        print(f"student_{name}_gain = {diff.mean():.4f}")
        print(f"student_{name}_gain_se = {diff.std(ddof=1) / np.sqrt(SEEDS):.4f}")
        print(f"student_{name}_ece_change = {(res[name][2] - hard[2]).mean():.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
names = list(res)
for i, name in enumerate(names):
    left.scatter(np.full(SEEDS, i), res[name][0], color="#999999", s=12)
    left.plot(i, res[name][0].mean(), "D", color="#222222")
left.axhline(t_acc[0], color="#b5523b", ls="--", lw=1, label="teacher (5-model ensemble)")
left.set_xticks(range(len(names)), ["hard labels"] + [f"T = {T}" for T in TEMPERATURES])
left.set_ylabel("test accuracy per seed (diamond: mean)")
left.set_title("Accuracy of the 32-unit student")
left.legend(fontsize=8, loc="lower left")
right.bar(range(len(names)), [res[n][2].mean() for n in names], color="#4a7a96")
right.set_xticks(range(len(names)), ["hard labels"] + [f"T = {T}" for T in TEMPERATURES])
right.set_ylabel("expected calibration error (mean over seeds)")
right.set_title("Calibration of the same students")
fig.tight_layout()
fig.savefig(IMG / "distillation.png", dpi=120)
# Knowledge distillation:1 ends here
