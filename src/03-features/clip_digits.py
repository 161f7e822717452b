# [[file:../../primer.org::*Co-trained multimodal embeddings][Co-trained multimodal embeddings:1]]
"""A CLIP-style co-trained image and text embedding on 8x8 handwritten digits.

An image tower (a small MLP on scikit-learn's bundled digits) and a text tower (a
bag of word embeddings over short generated captions) are trained together with
the symmetric contrastive (InfoNCE) loss, then used for cross-modal retrieval on
held-out images and on caption phrasings never seen in training.

Run with --download to replace the pixel input of the image tower by frozen
ImageNet features of torchvision's pretrained ResNet-18 (downloads the weights).
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)   # the models are tiny: thread start-up would cost more than it saves
DOWNLOAD = "--download" in sys.argv

digits = load_digits()
X = digits.data.astype(np.float32) / 16.0
y = digits.target
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.33, stratify=y, random_state=0)


def pretrained_features(images: np.ndarray) -> np.ndarray:
    """512-d features of a frozen ImageNet ResNet-18 (only with --download)."""
    from torchvision.models import ResNet18_Weights, resnet18
    net = resnet18(weights=ResNet18_Weights.IMAGENET1K_V1)
    net.fc = nn.Identity()
    net.eval()
    x = torch.tensor(images).reshape(-1, 1, 8, 8).repeat(1, 3, 1, 1)
    x = F.interpolate(x, size=64, mode="bilinear", align_corners=False)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        return net((x - mean) / std).numpy()


# What the image tower sees: raw pixels by default, frozen ResNet features with --download.
in_tr, in_te = (pretrained_features(X_tr), pretrained_features(X_te)) if DOWNLOAD else (X_tr, X_te)

# Captions.  Each class has a word and a numeral; training uses eight phrasings,
# and four more phrasings (two with words the text tower has never seen) are held
# out for evaluation.
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TRAIN_TEMPLATES = ["a handwritten {w}", "the digit {d}", "{w}", "a picture of the number {w}",
                   "number {d}", "an image of a {d}", "someone wrote a {w}", "a scanned {d}"]
HELDOUT_TEMPLATES = ["a drawing of the digit {w}", "the number {d} written by hand", "{d}",
                     "a blurry sketch of a {w}"]


def caption(template: str, label: int) -> str:
    return template.format(w=WORDS[label], d=label)


vocab = {"<pad>": 0, "<unk>": 1}
for t in TRAIN_TEMPLATES:
    for label in range(10):
        for word in caption(t, label).split():
            vocab.setdefault(word, len(vocab))


def encode(texts: list[str], width: int = 8) -> torch.Tensor:
    """Padded token ids, one row per text; unseen words map to <unk>."""
    ids = torch.zeros(len(texts), width, dtype=torch.long)
    for row, text in enumerate(texts):
        words = text.split()
        ids[row, :len(words)] = torch.tensor([vocab.get(w, 1) for w in words])
    return ids


print(f"train_images = {len(X_tr)}")
print(f"test_images = {len(X_te)}")
print(f"vocabulary = {len(vocab)}")
unseen = {w for t in HELDOUT_TEMPLATES for w in t.split() if "{" not in w and w not in vocab}
print(f"heldout_unseen_words = {len(unseen)}")
# Co-trained multimodal embeddings:1 ends here

# [[file:../../primer.org::*Co-trained multimodal embeddings][Co-trained multimodal embeddings:2]]
class ImageTower(nn.Module):
    def __init__(self, in_dim: int, dim: int = 32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, 128), nn.ReLU(), nn.Linear(128, dim))

    def forward(self, x):
        return F.normalize(self.net(x), dim=-1)


class TextTower(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 32):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, 32, mode="mean", padding_idx=0)
        self.proj = nn.Linear(32, dim)

    def forward(self, ids):
        return F.normalize(self.proj(self.bag(ids)), dim=-1)


def clip_loss(img, txt, logit_scale):
    """Symmetric InfoNCE: row i of the batch is the positive pair, every other
    row a negative, in both directions (image -> text and text -> image)."""
    logits = logit_scale * img @ txt.T
    target = torch.arange(len(img))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def train(unk_rate: float, epochs: int = 20, batch: int = 128, seed: int = 0):
    """Train both towers; each caption word is replaced by <unk> with probability
    unk_rate.  The temperature is learned, starting from 0.07 as in CLIP."""
    torch.manual_seed(seed)
    gen = np.random.default_rng(seed)
    image_tower, text_tower = ImageTower(in_tr.shape[1]), TextTower(len(vocab))
    log_scale = nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float32))
    params = list(image_tower.parameters()) + list(text_tower.parameters()) + [log_scale]
    opt = torch.optim.Adam(params, lr=3e-3)
    images = torch.tensor(in_tr)
    # all training captions, row template * 10 + label
    captions = encode([caption(t, label) for t in TRAIN_TEMPLATES for label in range(10)])
    for _ in range(epochs):
        order = torch.tensor(gen.permutation(len(images)))
        # every image gets a freshly drawn training phrasing of its own label
        template = torch.tensor(gen.integers(len(TRAIN_TEMPLATES), size=len(images)))
        for idx in order.split(batch):
            ids = captions[template[idx] * 10 + torch.tensor(y_tr)[idx]]
            drop = torch.tensor(gen.random(ids.shape) < unk_rate) & (ids > 0)
            ids = torch.where(drop, 1, ids)
            scale = log_scale.exp().clamp(max=100.0)
            loss = clip_loss(image_tower(images[idx]), text_tower(ids), scale)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return image_tower.eval(), text_tower.eval(), float(1 / log_scale.detach().exp())


def retrieval(image_tower, text_tower, templates):
    """Cross-modal retrieval between the held-out images and one caption per
    (template, class).  A hit is an item of the right class."""
    texts = [caption(t, label) for t in templates for label in range(10)]
    text_labels = np.array([label for _ in templates for label in range(10)])
    with torch.no_grad():
        img = image_tower(torch.tensor(in_te))
        txt = text_tower(encode(texts))
    sim = (img @ txt.T).numpy()
    i2t_top1 = np.mean(text_labels[sim.argmax(axis=1)] == y_te)
    ranked = np.argsort(-sim.T, axis=1)
    t2i_top1 = np.mean(y_te[ranked[:, 0]] == text_labels)
    t2i_p10 = np.mean(y_te[ranked[:, :10]] == text_labels[:, None])
    return i2t_top1, t2i_top1, t2i_p10, sim


known = [t for t in HELDOUT_TEMPLATES if all(w in vocab or "{" in w for w in t.split())]
with_unseen = [t for t in HELDOUT_TEMPLATES if t not in known]
models = {}
for key, unk_rate in [("plain", 0.0), ("unk_dropout", 0.15)]:
    image_tower, text_tower, temperature = train(unk_rate)
    models[key] = (image_tower, text_tower)
    print(f"{key}_learned_temperature = {temperature:.3f}")
    for split, templates in [("seen_phrasing", TRAIN_TEMPLATES), ("heldout", HELDOUT_TEMPLATES),
                             ("heldout_unseen_words", with_unseen)]:
        i2t, t2i, p10, _ = retrieval(image_tower, text_tower, templates)
        print(f"{key}_{split}_i2t_top1 = {i2t:.3f}")
        print(f"{key}_{split}_t2i_top1 = {t2i:.3f}")
        print(f"{key}_{split}_t2i_precision10 = {p10:.3f}")
print(f"chance_top1 = {1 / 10:.3f}")

# Reference: the same image tower trained as a plain 10-class classifier on labels.
torch.manual_seed(0)
classifier = nn.Sequential(ImageTower(in_tr.shape[1]).net, nn.ReLU(), nn.Linear(32, 10))
opt = torch.optim.Adam(classifier.parameters(), lr=3e-3)
images, labels = torch.tensor(in_tr), torch.tensor(y_tr)
for _ in range(20):
    for idx in torch.randperm(len(images)).split(128):
        loss = F.cross_entropy(classifier(images[idx]), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
with torch.no_grad():
    accuracy = (classifier(torch.tensor(in_te)).argmax(1).numpy() == y_te).mean()
print(f"supervised_classifier_accuracy = {accuracy:.3f}")
# Co-trained multimodal embeddings:2 ends here

# [[file:../../primer.org::*Co-trained multimodal embeddings][Co-trained multimodal embeddings:3]]
# Figure: how the held-out phrasing "the number {d} written by hand" (three words
# the text tower never saw) lines up with the test images, without and with <unk>
# dropout, and the eight test images each model retrieves for one such caption.
probe = "the number {d} written by hand"
query = caption(probe, 3)
fig, axes = plt.subplots(1, 3, figsize=(11.5, 3.6), layout="constrained",
                         gridspec_kw={"width_ratios": [1, 1, 1.3]})
rows = []
for ax, (key, title) in zip(axes, [("plain", "trained without <unk>"),
                                   ("unk_dropout", "with 15% <unk> dropout")]):
    image_tower, text_tower = models[key]
    sim = retrieval(image_tower, text_tower, [probe])[3]
    mean_sim = np.array([sim[y_te == digit].mean(axis=0) for digit in range(10)]).T
    im = ax.imshow(mean_sim, cmap="viridis", vmin=-0.5, vmax=0.8)
    ax.set_xlabel("digit in the test image")
    ax.set_ylabel("digit in the caption")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_title(title, fontsize=10)
    top = np.argsort(-sim[:, 3])[:8]
    rows.append(np.hstack([np.pad(X_te[i].reshape(8, 8), 1) for i in top]))
fig.colorbar(im, ax=axes[:2], shrink=0.85, label="mean cosine similarity")
axes[2].imshow(np.vstack([np.pad(r, ((0, 2), (0, 0))) for r in rows]), cmap="gray_r")
axes[2].set_yticks([5, 17], ["without\n<unk>", "with <unk>\ndropout"])
axes[2].set_xticks([])
axes[2].set_title(f"top 8 test images for\n'{query}'", fontsize=10)
fig.savefig(IMG / "clip_digits.png", dpi=120, bbox_inches="tight")
# Co-trained multimodal embeddings:3 ends here
