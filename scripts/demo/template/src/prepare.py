"""Splits data/raw.csv into data/prepared/{train,test}.csv, stratified by species."""

from pathlib import Path

import pandas as pd
import yaml
from sklearn.model_selection import train_test_split


def main():
    params = yaml.safe_load(Path("params.yaml").read_text())["prepare"]
    frame = pd.read_csv("data/raw.csv")
    train, test = train_test_split(frame, test_size=params["test_size"],
                                   random_state=params["seed"], stratify=frame["target"])
    out = Path("data/prepared")
    out.mkdir(parents=True, exist_ok=True)
    train.to_csv(out / "train.csv", index=False)
    test.to_csv(out / "test.csv", index=False)
    print(f"prepare: {len(train)} train rows, {len(test)} test rows")


if __name__ == "__main__":
    main()
