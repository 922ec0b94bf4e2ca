"""Table files written by pandas and what pandas says about their differences.

    python table_reference.py --out DIR

Writes before/after versions of the same table as CSV, TSV, JSON Lines and Parquet (pyarrow,
Snappy), plus a schema-change pair and files with malformed records, then prints, for each case,
what pandas computes on exactly those files: columns, row counts of a diff by key (an outer
merge with indicator) and by position, the changed keys, and per-column stats (count, missing,
min/max/mean/std for numeric columns, nunique and value_counts for the others).
"""

import argparse
import json
import math
import os

import numpy as np
import pandas as pd

CITIES = ["Paris", "Berlin", "Tokyo", "Lima", "Oslo, NO"]


def make_frames():
    rng = np.random.default_rng(7)
    n = 240
    a = pd.DataFrame(
        {
            "id": np.arange(1000, 1000 + n),
            "amount": rng.normal(100, 20, n).round(3),
            "count": rng.integers(0, 50, n),
            "city": rng.choice(CITIES, n),
            "flag": rng.integers(0, 2, n).astype(bool),
            "note": [f'line {i}\nsecond "part"' if i % 17 == 0 else f"n{i}" for i in range(n)],
        }
    )
    a.loc[a.index % 23 == 5, "amount"] = np.nan
    b = a.copy()
    b.loc[[10, 20, 30], "amount"] = b.loc[[10, 20, 30], "amount"] + 1.5
    b.loc[[40, 41], "city"] = "Quito"
    b.loc[50, "note"] = 'changed, with "quotes"\nand a newline'
    b = b.drop(index=[60, 61, 62])
    added = pd.DataFrame(
        {
            "id": [5000, 5001, 5002, 5003],
            "amount": [1.0, 2.0, np.nan, 4.0],
            "count": [1, 2, 3, 4],
            "city": ["Lima", "Lima", "Oslo, NO", "Paris"],
            "flag": [True, False, True, True],
            "note": ["new", "new", "new", "new"],
        }
    )
    b = pd.concat([b.iloc[:100], added.iloc[:2], b.iloc[100:], added.iloc[2:]])
    # a block of rows moved: a diff by key sees them unchanged, by position changed
    b = pd.concat([b.iloc[:150], b.iloc[170:200], b.iloc[150:170], b.iloc[200:]]).reset_index(drop=True)
    return a, b


def stats(df):
    out = []
    for c in df.columns:
        s = df[c]
        item = {"name": c, "count": int(s.count()), "missing": int(s.isna().sum())}
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            item.update(kind="numeric", min=float(s.min()), max=float(s.max()), mean=float(s.mean()), std=float(s.std()))
        else:
            counts = s.dropna().astype(str).value_counts()
            item.update(kind="categorical", distinct=int(s.nunique()), top={str(k): int(v) for k, v in counts.items()})
        out.append(item)
    return out


def same(x, y):
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    if pd.isna(x) and pd.isna(y):
        return True
    return x == y


def by_key(a, b, key):
    merged = a.merge(b, on=key, how="outer", indicator=True, suffixes=("_a", "_b"))
    shared = [c for c in a.columns if c in b.columns and c != key]
    both = merged[merged["_merge"] == "both"]
    changed = [str(row[key]) for _, row in both.iterrows() if any(not same(row[f"{c}_a"], row[f"{c}_b"]) for c in shared)]
    return {
        "added": int((merged["_merge"] == "right_only").sum()),
        "removed": int((merged["_merge"] == "left_only").sum()),
        "changed": len(changed),
        "unchanged": int(len(both) - len(changed)),
        "changedKeys": sorted(changed),
    }


def by_position(a, b):
    shared = [c for c in a.columns if c in b.columns]
    n = min(len(a), len(b))
    changed = [i for i in range(n) if any(not same(a[c].iloc[i], b[c].iloc[i]) for c in shared)]
    return {"added": max(0, len(b) - len(a)), "removed": max(0, len(a) - len(b)), "changed": len(changed), "unchanged": n - len(changed), "changedRows": changed}


def reference(a, b, key):
    return {
        "columns": {"before": list(a.columns), "after": list(b.columns)},
        "rows": {"before": len(a), "after": len(b)},
        "byKey": by_key(a, b, key),
        "byPosition": by_position(a, b),
        "stats": {"before": stats(a), "after": stats(b)},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    d = ap.parse_args().out
    os.makedirs(d, exist_ok=True)
    a, b = make_frames()
    cases = {}
    writers = {
        "csv": lambda df, p: df.to_csv(p, index=False),
        "tsv": lambda df, p: df.to_csv(p, index=False, sep="\t"),
        "jsonl": lambda df, p: df.to_json(p, orient="records", lines=True),
        "parquet": lambda df, p: df.to_parquet(p, index=False),
    }
    readers = {
        "csv": lambda p: pd.read_csv(p),
        "tsv": lambda p: pd.read_csv(p, sep="\t"),
        "jsonl": lambda p: pd.read_json(p, lines=True),
        "parquet": lambda p: pd.read_parquet(p),
    }
    for fmt, write in writers.items():
        pa, pb = os.path.join(d, f"a.{fmt}"), os.path.join(d, f"b.{fmt}")
        write(a, pa)
        write(b, pb)
        cases[fmt] = {"before": pa, "after": pb, **reference(readers[fmt](pa), readers[fmt](pb), "id")}
    # schema change: a column added, one removed, the rest reordered
    schema_b = b.drop(columns=["flag"]).assign(score=np.arange(len(b)) / 10)[["id", "score", "city", "amount", "count", "note"]]
    pa, pb = os.path.join(d, "schema_a.csv"), os.path.join(d, "schema_b.csv")
    a.to_csv(pa, index=False)
    schema_b.to_csv(pb, index=False)
    cases["schema"] = {"before": pa, "after": pb, **reference(pd.read_csv(pa), pd.read_csv(pb), "id")}
    # malformed records: a ragged CSV row and a JSON Lines line that is not JSON
    pa, pb = os.path.join(d, "bad_a.csv"), os.path.join(d, "bad_b.csv")
    a.head(30).to_csv(pa, index=False)
    text = b.head(30).to_csv(index=False).split("\n")
    text.insert(8, "1,2,3,4,5,6,7,8")
    open(pb, "w").write("\n".join(text))
    cases["badcsv"] = {"before": pa, "after": pb, "badLine": 9, **reference(pd.read_csv(pa), pd.read_csv(pb, on_bad_lines="skip"), "id")}
    pa, pb = os.path.join(d, "bad_a.jsonl"), os.path.join(d, "bad_b.jsonl")
    a.head(30).to_json(pa, orient="records", lines=True)
    lines = b.head(30).to_json(orient="records", lines=True).split("\n")
    lines.insert(4, '{"id": 77, "amount": ')
    open(pb, "w").write("\n".join(lines))
    good = "\n".join(line for i, line in enumerate(lines) if i != 4)
    from io import StringIO

    cases["badjsonl"] = {"before": pa, "after": pb, "badLine": 5, **reference(pd.read_json(pa, lines=True), pd.read_json(StringIO(good), lines=True), "id")}
    print(json.dumps(cases))


main()
