"""Writes the Iris data set to data/raw.csv (the first N rows of a fixed shuffle)."""

import argparse
from pathlib import Path

from sklearn.datasets import load_iris


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=150)
    args = parser.parse_args()
    frame = load_iris(as_frame=True).frame.sample(frac=1.0, random_state=0).head(args.rows)
    frame = frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    Path("data").mkdir(exist_ok=True)
    frame.to_csv("data/raw.csv", index=False, float_format="%.1f")


if __name__ == "__main__":
    main()
