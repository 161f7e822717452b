# [[file:../../primer.org::*Exploratory data analysis][Exploratory data analysis:1]]
"""Exploratory data analysis as a set of checks: summary statistics, skew,
outliers, suspicious zeros, redundant columns, constant columns and columns
that correlate too well with the label.

Data: the Wisconsin breast-cancer table that scikit-learn ships (569 tumours,
30 measurements of cell nuclei).  Two columns are planted so that the checks
can be verified against a known truth: a constant `lab_site`, and
`surgery_booked`, a field filled in after the diagnosis (a leak).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from sklearn.datasets import load_breast_cancer

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

raw = load_breast_cancer(as_frame=True).frame
df = raw.drop(columns="target")
df["malignant"] = 1 - raw["target"]          # scikit-learn codes malignant as 0
# The two planted columns.  surgery_booked agrees with the diagnosis except for
# 3 % of rows (bookings cancelled or entered late).
df["lab_site"] = 1
disagree = rng.random(len(df)) < 0.03
df["surgery_booked"] = np.where(disagree, 1 - df["malignant"], df["malignant"])
features = df.columns.drop("malignant")
print(f"rows = {len(df)}")
print(f"feature_columns = {len(features)}")
print(f"malignant_share = {df['malignant'].mean():.3f}")
# Exploratory data analysis:1 ends here

# [[file:../../primer.org::*Exploratory data analysis][Exploratory data analysis:2]]
# One row per column: the numbers a first look at a table should produce.
q1, q3 = df[features].quantile(0.25), df[features].quantile(0.75)
fence = 1.5 * (q3 - q1)
profile = pd.DataFrame({
    "distinct": df[features].nunique(),
    "zeros": (df[features] == 0).sum(),
    "skew": df[features].skew(),
    "outlier_share": ((df[features] < q1 - fence) | (df[features] > q3 + fence)).mean(),
    "corr_label": df[features].corrwith(df["malignant"]),
})
flags = pd.DataFrame({
    "constant": profile["distinct"] <= 1,
    "skewed": profile["skew"].abs() > 2,
    "zeros": (profile["zeros"] > 0) & (profile["distinct"] > 2),
    "leak?": profile["corr_label"].abs() > 0.9,
})
flagged = profile[flags.any(axis=1)].assign(flags=flags.apply(
    lambda r: ",".join(r.index[r]), axis=1))
with pd.option_context("display.width", 120, "display.float_format", "{:.2f}".format):
    print(flagged.drop(columns="distinct"))

print(f"constant_columns = {int(flags['constant'].sum())}")
print(f"skewed_columns = {int(flags['skewed'].sum())}")
top = profile["skew"].idxmax()
print(f"most_skewed_column = {top}")
print(f"most_skewed_skew = {profile.loc[top, 'skew']:.2f}")
print(f"most_skewed_log_skew = {np.log1p(df[top]).skew():.2f}")
print(f"most_skewed_outlier_share = {profile.loc[top, 'outlier_share']:.3f}")
measured = profile.index[profile["distinct"] > 2]
zero_rows = (df[measured] == 0).any(axis=1)
concavity = [c for c in features if "concav" in c]
print(f"zero_rows = {int(zero_rows.sum())}")
print(f"zero_rows_all_concavity = {int((df.loc[zero_rows, concavity] == 0).all(axis=1).sum())}")
print(f"zero_rows_malignant = {int(df.loc[zero_rows, 'malignant'].sum())}")
# Exploratory data analysis:2 ends here

# [[file:../../primer.org::*Exploratory data analysis][Exploratory data analysis:3]]
corr = df.corr()
pairs = corr.loc[features, features].where(np.triu(np.ones((len(features),) * 2, bool), 1))
pairs = pairs.stack().abs().sort_values(ascending=False)
print(f"pairs_above_095 = {int((pairs > 0.95).sum())}")
print(f"radius_perimeter_corr = {corr.loc['mean radius', 'mean perimeter']:.3f}")
label_corr = profile["corr_label"].abs().sort_values(ascending=False)
print(f"leak_corr = {label_corr['surgery_booked']:.3f}")
print(f"best_real_column = {label_corr.drop('surgery_booked').index[0]}")
print(f"best_real_corr = {label_corr.drop('surgery_booked').iloc[0]:.3f}")

# Figure 1: distributions by diagnosis.
show = ["mean radius", "mean texture", top, "mean concavity", "worst concave points",
        "surgery_booked"]
fig, axes = plt.subplots(2, 3, figsize=(11, 5.5))
plot_df = df.assign(diagnosis=df["malignant"].map({0: "benign", 1: "malignant"}))
for ax, col in zip(axes.flat, show):
    sns.histplot(data=plot_df, x=col, hue="diagnosis", bins=30, stat="density",
                 common_norm=False, element="step", ax=ax, legend=(col == show[0]))
    ax.set_title(f"{col} (skew {profile.loc[col, 'skew']:.1f})", fontsize=9)
    ax.set_xlabel("")
fig.tight_layout()
fig.savefig(IMG / "eda_overview-distributions.png", dpi=120)

# Figure 2: correlation heat map, label and planted columns included.
fig, ax = plt.subplots(figsize=(10, 8.5))
sns.heatmap(corr, cmap="vlag", center=0, vmin=-1, vmax=1, square=True,
            xticklabels=True, yticklabels=True, cbar_kws={"shrink": 0.6}, ax=ax)
ax.tick_params(labelsize=6)
ax.set_title("Pearson correlation (white squares: constant lab_site has none)")
fig.tight_layout()
fig.savefig(IMG / "eda_overview-correlations.png", dpi=120)
# Exploratory data analysis:3 ends here
