# [[file:../../primer.org::*Recurrent networks and long context][Recurrent networks and long context:1]]
"""Remembering the first token of a sequence: plain RNN against LSTM, as the lag grows.

Task: a sequence of T one-hot tokens; the first is a key (one of 4 symbols), the
other T - 1 are distractors (4 other symbols); at the end the network must name the
key.  Chance accuracy is 0.25.  Part 1 measures, at initialisation, how much of the
loss gradient reaches the first input compared with the last, for a tanh RNN, a
GRU and an LSTM with PyTorch's default initialisation, and an LSTM whose gate
biases start with long memory ("chrono" initialisation).  Part 2 trains the RNN
and the chrono LSTM with Adam for at most 150 steps at each lag and reports
accuracy on 2,000 fresh sequences.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)

VOCAB, HIDDEN, BATCH, STEPS, LR = 8, 16, 32, 150, 0.01
LAGS = [5, 10, 20, 40, 80]


def sequences(rng, size, lag):
    tokens = rng.integers(4, VOCAB, size=(size, lag))      # distractors: symbols 4..7
    tokens[:, 0] = rng.integers(0, 4, size=size)           # the key: symbols 0..3
    return nn.functional.one_hot(torch.from_numpy(tokens), VOCAB).float(), \
        torch.from_numpy(tokens[:, 0])


class Recall(nn.Module):
    def __init__(self, kind, seed):
        super().__init__()
        torch.manual_seed(seed)
        cell = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM, "lstm_chrono": nn.LSTM}[kind]
        self.rnn = cell(VOCAB, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, 4)
        if kind == "lstm_chrono":
            # Chrono initialisation: forget-gate bias log(u), u ~ U[1, T_max - 1], and
            # input-gate bias -log(u), so each cell starts with a memory of u steps.
            # PyTorch orders the LSTM gates as input, forget, cell, output.
            with torch.no_grad():
                memory = torch.log(torch.empty(HIDDEN).uniform_(1, max(LAGS) - 1))
                self.rnn.bias_ih_l0.zero_()
                self.rnn.bias_hh_l0.zero_()
                self.rnn.bias_hh_l0[HIDDEN:2 * HIDDEN] = memory
                self.rnn.bias_hh_l0[:HIDDEN] = -memory

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.head(states[:, -1])


# Part 1: the gradient that reaches the key, relative to the last input, at init.
KINDS = {"rnn": "tanh RNN", "gru": "GRU, default init", "lstm": "LSTM, default init",
         "lstm_chrono": "LSTM, chrono init"}
reach = {kind: [] for kind in KINDS}
for kind in KINDS:
    for lag in LAGS:
        x, y = sequences(np.random.default_rng(5), 256, lag)
        x = x.double().requires_grad_(True)    # float64: in float32 the smallest ratios round to 0
        nn.functional.cross_entropy(Recall(kind, 0).double()(x), y).backward()
        per_step = x.grad.norm(dim=2).mean(dim=0)
        reach[kind].append((per_step[0] / per_step[-1]).item())
        if lag in (20, 80):
            print(f"{kind}_grad_reach_T{lag} = {reach[kind][-1]:.1e}")
# Recurrent networks and long context:1 ends here

# [[file:../../primer.org::*Recurrent networks and long context][Recurrent networks and long context:2]]
# Part 2: training.  Adam is written out so that nothing beyond torch.nn is needed.
def train(kind, lag, seed=0):
    net, data_rng = Recall(kind, seed), np.random.default_rng(seed)
    params = list(net.parameters())
    m1 = [torch.zeros_like(p) for p in params]
    m2 = [torch.zeros_like(p) for p in params]
    perfect = 0
    for step in range(1, STEPS + 1):
        x, y = sequences(data_rng, BATCH, lag)
        logits = net(x)
        loss = nn.functional.cross_entropy(logits, y)
        net.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p, a, b in zip(params, m1, m2):
                a.mul_(0.9).add_(p.grad, alpha=0.1)
                b.mul_(0.999).addcmul_(p.grad, p.grad, value=0.001)
                p -= LR * (a / (1 - 0.9**step)) / ((b / (1 - 0.999**step)).sqrt() + 1e-8)
        # Stop once ten consecutive fresh batches are all answered correctly.
        perfect = perfect + 1 if bool((logits.argmax(dim=1) == y).all()) else 0
        if perfect == 10:
            break
    x, y = sequences(np.random.default_rng(99), 2_000, lag)
    with torch.no_grad():
        return (net(x).argmax(dim=1) == y).float().mean().item(), step


accuracy = {kind: [] for kind in ["rnn", "lstm_chrono"]}
for kind in accuracy:
    for lag in LAGS:
        acc, steps = train(kind, lag)
        accuracy[kind].append(acc)
        print(f"{kind}_accuracy_T{lag} = {acc:.2f}")
        print(f"{kind}_steps_T{lag} = {steps}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
colors = {"rnn": "#b5523b", "gru": "#d99a5e", "lstm": "#999999", "lstm_chrono": "#4a7a96"}
for kind, label in KINDS.items():
    left.semilogy(LAGS, reach[kind], "o-", color=colors[kind], label=label)
left.set_xlabel("sequence length T (lag between key and answer)")
left.set_ylabel("gradient at token 1 / gradient at token T")
left.set_title("How much learning signal reaches the key (at init)")
left.legend(fontsize=8)
for kind in accuracy:
    right.plot(LAGS, accuracy[kind], "o-", color=colors[kind], label=KINDS[kind])
right.axhline(0.25, color="#222222", ls=":", lw=1, label="chance")
right.set_xscale("log")
right.minorticks_off()
right.set_xticks(LAGS, [str(t) for t in LAGS])
right.set_ylim(0, 1.05)
right.set_xlabel("sequence length T")
right.set_ylabel("accuracy on 2,000 fresh sequences")
right.set_title(f"Recall after at most {STEPS} Adam steps")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "dynamics_rnn_memory.png", dpi=120)
# Recurrent networks and long context:2 ends here
