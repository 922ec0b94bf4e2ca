"""Generates the drift benchmark's tables once: a reference and a current of ROWS x 20 columns
(10 float, 2 wide int, 2 few-valued float, 4 string categories, 2 bool; half of them shifted in
the current), written by pandas as CSV and Parquet into OUT, with a marker file written last.

    python bench/drift_generate.py OUT [--rows 1000000]
"""

import argparse
import json
import os
import time

import numpy as np
import pandas as pd


def table(rng: np.random.Generator, n: int, shift: float) -> pd.DataFrame:
    columns = {}
    for i in range(10):
        moved = shift if i % 2 == 0 else 0.0
        columns[f"num_{i}"] = rng.normal(moved * (i + 1) * 0.05, 1 + i * 0.1, n) if i < 7 else rng.lognormal(moved * 0.1, 0.6, n)
    columns["count_0"] = rng.poisson(20 + 4 * shift, n)
    columns["count_1"] = rng.integers(0, 500, n)
    columns["level_0"] = rng.choice([1.0, 2.0, 3.0, 4.0], n, p=[0.4, 0.3, 0.2, 0.1] if not shift else [0.3, 0.3, 0.2, 0.2])
    columns["level_1"] = rng.choice([0.0, 1.0], n)
    cities = np.array([f"city_{k}" for k in range(40)])
    weights = rng.dirichlet(np.ones(40))
    columns["city"] = rng.choice(cities, n, p=np.roll(weights, 3) if shift else weights)
    columns["plan"] = rng.choice(["free", "pro", "team", "enterprise"], n, p=[0.6, 0.25, 0.1, 0.05])
    columns["device"] = rng.choice(["ios", "android", "web"], n, p=[0.3, 0.3, 0.4] if not shift else [0.2, 0.3, 0.5])
    columns["region"] = rng.choice(["eu", "us", "apac", "latam", "mea"], n)
    columns["churned"] = rng.random(n) < (0.1 + 0.05 * shift)
    columns["promo"] = rng.random(n) < 0.5
    return pd.DataFrame(columns)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    marker = os.path.join(args.out, "complete.json")
    if os.path.exists(marker):
        return
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    rng = np.random.default_rng(19)
    for role, shift in (("reference", 0.0), ("current", 1.0)):
        frame = table(rng, args.rows, shift)
        frame.to_csv(os.path.join(args.out, f"{role}.csv"), index=False)
        frame.to_parquet(os.path.join(args.out, f"{role}.parquet"), index=False)
    sizes = {name: os.path.getsize(os.path.join(args.out, name)) for name in sorted(os.listdir(args.out))}
    with open(marker, "w") as f:
        json.dump({"rows": args.rows, "seconds": round(time.time() - started, 1), "bytes": sizes}, f)


if __name__ == "__main__":
    main()
