"""prepare: cleans the validated raw data and splits it into train and test sets.

Cleaning: duplicate rows and rows without a target are dropped; missing numbers take the column's
median, missing categories the most frequent value (both from the training split only, so nothing
about the test rows leaks into training). The split is `prepare.test_size` of the rows, drawn with
`prepare.seed`; for classification it keeps each class's share in both sets.
"""

import pandas as pd
from sklearn.model_selection import train_test_split

from project import ROOT, params, raw_file


def main():
    p = params()
    target, task = p["data"]["target"], p["data"]["task"]
    frame = pd.read_csv(raw_file())
    before = len(frame)
    frame = frame.drop_duplicates().dropna(subset=[target]).reset_index(drop=True)
    train, test = train_test_split(
        frame,
        test_size=p["prepare"]["test_size"],
        random_state=p["prepare"]["seed"],
        stratify=frame[target] if task == "classification" else None,
    )
    features = [c for c in frame.columns if c != target]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in features if c not in numeric]
    fill = {c: train[c].median() for c in numeric}
    fill.update({c: train[c].mode().iloc[0] for c in categorical if not train[c].mode().empty})
    out = ROOT / "data" / "prepared"
    out.mkdir(parents=True, exist_ok=True)
    train.fillna(fill).to_csv(out / "train.csv", index=False)
    test.fillna(fill).to_csv(out / "test.csv", index=False)
    print(f"prepare: {before} rows → {len(frame)} after cleaning → {len(train)} train, {len(test)} test")


if __name__ == "__main__":
    main()
