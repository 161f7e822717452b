# [[file:../../primer.org::*Probe, partial or full fine-tuning][Probe, partial or full fine-tuning:1]]
"""Transfer learning with few labels: which parts of a pretrained network to reuse.

Data: scikit-learn's 8x8 digits.  A small CNN is pretrained on the digits 0-4
(all their images); the new task is to tell 5-9 apart from only five labelled
images per class.  Five ways of using the pretrained network are compared with
training from scratch and with a logistic regression on raw pixels, over four
random draws of the labelled images.  Run with --download to repeat the
comparison with torchvision's ImageNet-pretrained ResNet-18 as the backbone.
"""
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from torch import nn
from torchvision.models import ResNet18_Weights, resnet18

torch.set_num_threads(1)
torch.manual_seed(0)
DOWNLOAD = "--download" in sys.argv
LABELS_PER_CLASS, SEEDS, STEPS = 5, 4, 80

digits = load_digits()
X = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)   # (n, 1, 8, 8)
y = torch.tensor(digits.target)
X_src, y_src = X[y < 5], y[y < 5]            # the task we pretrain on
X_new, y_new = X[y >= 5], y[y >= 5] - 5      # the task we transfer to
pixels = X_new.flatten(1).numpy()            # for the logistic-regression reference


def small_cnn() -> nn.Sequential:
    """Three stages, so that a strategy can freeze or train each: early layers
    (convolutions), late layers (a fully connected layer) and the head."""
    early = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten())            # 16 x 4 x 4 = 256
    late = nn.Sequential(nn.Linear(256, 64), nn.ReLU())
    return nn.Sequential(early, late, nn.Linear(64, 5))


def resnet_18(pretrained: bool) -> nn.Sequential:
    """The same three stages cut out of torchvision's ResNet-18 (--download only)."""
    net = resnet18(weights=ResNet18_Weights.DEFAULT if pretrained else None)
    early = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool,
                          net.layer1, net.layer2, net.layer3)
    late = nn.Sequential(net.layer4, net.avgpool, nn.Flatten())
    return nn.Sequential(early, late, nn.Linear(512, 5))


def as_imagenet_input(x: torch.Tensor) -> torch.Tensor:
    """8x8 grey digits -> 64x64 RGB images normalised like ImageNet."""
    x = nn.functional.interpolate(x, size=64, mode="bilinear").repeat(1, 3, 1, 1)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return (x - mean) / std


def train(model, groups, X, y, steps, batch=None):
    """Adam on the parameter groups given; everything else stays frozen (and in
    eval mode, so that frozen batch-norm statistics are not updated either)."""
    trainable = {id(p) for g in groups for p in g["params"]}
    for p in model.parameters():
        p.requires_grad_(id(p) in trainable)
    opt = torch.optim.Adam(groups)
    for _ in range(steps):
        model.train()
        for stage in model:
            if not any(p.requires_grad for p in stage.parameters()):
                stage.eval()
        rows = torch.randint(0, len(X), (batch,)) if batch else slice(None)
        opt.zero_grad()
        nn.functional.cross_entropy(model(X[rows]), y[rows]).backward()
        opt.step()
    return model


def accuracy(model, X, y) -> float:
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


# 1. Pretrain on the digits 0-4.
if DOWNLOAD:
    X_new = as_imagenet_input(X_new)
    make, pretrained_state = (lambda: resnet_18(pretrained=False)), resnet_18(True).state_dict()
else:
    make = small_cnn
    base = small_cnn()
    held_out = torch.rand(len(y_src)) < 0.2
    train(base, [{"params": list(base.parameters()), "lr": 3e-3}], X_src[~held_out],
          y_src[~held_out], steps=200, batch=64)
    print(f"source_train_images = {int((~held_out).sum())}")
    print(f"source_accuracy = {accuracy(base, X_src[held_out], y_src[held_out]):.3f}")
    pretrained_state = base.state_dict()
# Probe, partial or full fine-tuning:1 ends here

# [[file:../../primer.org::*Probe, partial or full fine-tuning][Probe, partial or full fine-tuning:2]]
# 2. Transfer to 5-9 with five labelled images per class.
def pretrained():
    model = make()
    model.load_state_dict(pretrained_state)
    model[2].reset_parameters()                    # a new head for the new classes
    return model


def params(*stages):
    return [p for stage in stages for p in stage.parameters()]


def strategy(name):
    """A model and the parameter groups that the strategy trains."""
    if name == "scratch":
        m = make()
        return m, [{"params": params(m), "lr": LR}]
    m = pretrained()
    if name == "probe":                            # frozen features + new head
        return m, [{"params": params(m[2]), "lr": LR}]
    if name == "probe_conv":                      # the same, cutting below the late layer
        m[1] = nn.Flatten()
        m[2] = nn.Linear(m[0](X_new[:1]).flatten(1).shape[1], 5)
        return m, [{"params": params(m[2]), "lr": LR}]
    if name == "last":                             # fine-tune late layer + head
        return m, [{"params": params(m[1], m[2]), "lr": LR}]
    if name == "full":                             # everything, body at a lower rate
        return m, [{"params": params(m[0], m[1]), "lr": LR / 10},
                   {"params": params(m[2]), "lr": LR}]
    if name == "full_same_lr":                     # everything at the head's rate
        return m, [{"params": params(m), "lr": LR}]


LR = 3e-3
names = ["scratch", "probe", "probe_conv", "last", "full", "full_same_lr"]
scores = {name: [] for name in names + ["logreg_pixels"]}
for seed in range(SEEDS):
    rng = np.random.default_rng(seed)
    labelled = np.concatenate([rng.choice(np.flatnonzero(y_new.numpy() == c),
                                          LABELS_PER_CLASS, replace=False) for c in range(5)])
    test = np.setdiff1d(np.arange(len(y_new)), labelled)
    for name in names:
        torch.manual_seed(seed)
        model, groups = strategy(name)
        train(model, groups, X_new[labelled], y_new[labelled], steps=STEPS)
        scores[name].append(accuracy(model, X_new[test], y_new[test]))
        if seed == 0:
            print(f"{name}_trainable = {sum(p.numel() for g in groups for p in g['params'])}")
    logreg = LogisticRegression(max_iter=2000).fit(pixels[labelled], y_new[labelled])
    scores["logreg_pixels"].append(logreg.score(pixels[test], y_new[test]))
print(f"logreg_pixels_trainable = {logreg.coef_.size + logreg.intercept_.size}")
print(f"test_images = {len(test)}")
for name, s in scores.items():
    print(f"{name}_accuracy = {np.mean(s):.3f}")
    print(f"{name}_sd = {np.std(s):.3f}")
# Probe, partial or full fine-tuning:2 ends here
