"""The drift contract's peer: generated datasets, written by pandas as CSV, TSV, JSONL and Parquet,
each file read back by pandas' own reader and compared by real Evidently (Report with
DataDriftPreset, its defaults). Prints one JSON object: per case and format, Evidently's per-column
method, score, threshold and verdict (the ValueDrift metric and its test), its column types
(the data definition it inferred from the current data) and DriftedColumnsCount with its test.

    python test/support/evidently_drift_reference.py OUT_DIR [CASE ...]
"""

import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("DO_NOT_TRACK", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from evidently import Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

FORMATS = {
    "csv": (lambda df, p: df.to_csv(p, index=False), lambda p: pd.read_csv(p)),
    "tsv": (lambda df, p: df.to_csv(p, sep="\t", index=False), lambda p: pd.read_csv(p, sep="\t")),
    "jsonl": (lambda df, p: df.to_json(p, orient="records", lines=True), lambda p: pd.read_json(p, lines=True)),
    "parquet": (lambda df, p: df.to_parquet(p, index=False), lambda p: pd.read_parquet(p)),
}


def with_missing(rng, values, share):
    out = pd.Series(values, dtype=object if not np.issubdtype(np.asarray(values).dtype, np.number) else float)
    out[rng.random(len(out)) < share] = None if out.dtype == object else np.nan
    return out


def mixed(rng, n, shift):
    """Numbers, categories, booleans and few-valued numbers; `shift` moves the drifting half."""
    cities = ["Berlin", "Paris", "Rome", "Madrid", "Oslo", "Vienna"]
    p = np.array([0.3, 0.25, 0.2, 0.1, 0.1, 0.05])
    q = np.roll(p, 1) if shift else p
    return pd.DataFrame(
        {
            "age": np.round(rng.normal(40 + 6 * shift, 12, n), 1),
            "income": np.round(rng.lognormal(10, 0.5, n), 2),
            "score": rng.normal(0, 1, n),
            "visits": rng.poisson(3 + 2 * shift, n) * 7 + rng.integers(0, 5, n),
            "rating": rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], n, p=[0.1, 0.2, 0.3, 0.2, 0.2] if not shift else [0.3, 0.3, 0.2, 0.1, 0.1]),
            "flag": rng.random(n) < (0.3 + 0.2 * shift),
            "city": rng.choice(cities, n, p=q),
            "segment": rng.choice(["a", "b"], n, p=[0.5, 0.5] if not shift else [0.65, 0.35]),
            "tier": rng.integers(1, 5 if not shift else 6, n),
            "binary_num": rng.choice([0.0, 1.0], n, p=[0.6, 0.4]),
        }
    )


def missing_values(rng, n, shift):
    df = mixed(rng, n, shift)
    df["age"] = with_missing(rng, df["age"], 0.1)
    df["city"] = with_missing(rng, df["city"], 0.15)
    df["score"] = df["score"].where(rng.random(n) > 0.05, np.inf)
    df["sparse"] = with_missing(rng, rng.normal(5 * shift, 1, n), 0.8)
    return df


def text_column(rng, n, shift):
    df = pd.DataFrame({"value": rng.normal(shift, 1, n), "kind": rng.choice(["x", "y", "z"], n)})
    words = ["model", "drift", "data", "serving", "feature", "label", "batch", "shift", "train", "test"]
    df["comment"] = [" ".join(rng.choice(words, 4)) + f" #{i}" for i in range(n)]
    return df


def categorical_dtype(rng, n, shift):
    df = pd.DataFrame({"grade": pd.Categorical(rng.choice(list("ABCDEFGHIJKLMNOP"), n, p=None if not shift else np.r_[np.full(8, 0.09), np.full(8, 0.035)])), "value": rng.normal(0, 1 + shift, n)})
    return df


CASES = {
    # name: (builder, reference rows, current rows, current shift)
    "small-unshifted": (mixed, 600, 500, 0),
    "small-shifted": (mixed, 800, 700, 1),
    "large-unshifted": (mixed, 4000, 3000, 0),
    "large-shifted": (mixed, 5000, 4000, 1),
    "small-reference-large-current": (mixed, 900, 12000, 1),
    "missing-small": (missing_values, 700, 600, 1),
    "missing-large": (missing_values, 3000, 2000, 0),
    "text": (text_column, 500, 400, 1),
    "categorical-dtype": (categorical_dtype, 2000, 1500, 1),
    "tiny": (mixed, 40, 30, 1),
}


def evidently(reference: pd.DataFrame, current: pd.DataFrame) -> dict:
    snapshot = Report([DataDriftPreset()], include_tests=True).run(current, reference)
    body = snapshot.dict()
    columns, dataset = {}, {}
    for metric in body["metrics"]:
        config = metric["config"]
        if config["type"].endswith(":ValueDrift"):
            columns[config["column"]] = {"method": config["method"], "threshold": config["threshold"], "score": metric["value"]}
        elif config["type"].endswith(":DriftedColumnsCount"):
            dataset = {"count": metric["value"]["count"], "share": metric["value"]["share"], "drift_share": config["drift_share"]}
    for test in body["tests"]:
        params = test["metric_config"]["params"]
        if params["type"].endswith(":ValueDrift"):
            columns[params["column"]]["drifted"] = test["status"] == "FAIL"
        elif params["type"].endswith(":DriftedColumnsCount"):
            dataset["detected"] = test["status"] == "FAIL"
    definition = Dataset.from_pandas(current).data_definition
    types = {}
    for kind, names in [
        ("numerical", definition.numerical_columns),
        ("categorical", definition.categorical_columns),
        ("text", definition.text_columns),
        ("datetime", definition.datetime_columns),
        ("unknown", definition.unknown_columns),
        ("list", definition.list_columns),
    ]:
        for name in names or []:
            types[name] = kind
    if definition.timestamp:
        types[definition.timestamp] = "datetime"
    return {"columns": columns, "dataset": dataset, "types": types}


def main() -> None:
    out = sys.argv[1]
    wanted = sys.argv[2:] or list(CASES)
    result = {}
    for index, name in enumerate(wanted):
        builder, n_ref, n_cur, shift = CASES[name]
        rng = np.random.default_rng(1000 + index)
        frames = {"reference": builder(rng, n_ref, 0), "current": builder(rng, n_cur, shift)}
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        result[name] = {}
        for fmt, (write, read) in FORMATS.items():
            paths = {}
            for role, frame in frames.items():
                paths[role] = os.path.join(folder, f"{role}.{fmt}")
                write(frame, paths[role])
            expected = evidently(read(paths["reference"]), read(paths["current"]))
            result[name][fmt] = {"reference": paths["reference"], "current": paths["current"], **expected}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
