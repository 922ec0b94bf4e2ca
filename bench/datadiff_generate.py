"""Generates (once; cached) the 1 GB CSV pair of `npm run bench:datadiff`.

    python bench/datadiff_generate.py --out DIR [--rows N]

a.csv: N rows (default 23,000,000: 1.0 GiB) of id (unique), user, amount, score, city, label,
note. b.csv: the same table after a typical data refresh: 0.1% of the rows with a changed amount,
0.02% with a changed city, 2,000 rows deleted, 3,000 rows appended and a block of 5,000 rows
moved (a diff by key). c.csv: the same rows in place, 0.1% of the amounts changed (a diff by
position). Written in chunks (bounded memory). Writes DIR/.complete when done; a second call
returns at once.
"""

import argparse
import os

import numpy as np
import pandas as pd

CITIES = np.array(["Paris", "Berlin", "Tokyo", "Lima", "Oslo", "Quito", "Accra", "Perth"])
CHUNK = 500_000


def chunk(start, stop, rng):
    n = stop - start
    return pd.DataFrame(
        {
            "id": np.arange(start, stop),
            "user": rng.integers(0, 200_000, n),
            "amount": rng.normal(100, 25, n).round(2),
            "score": rng.random(n).round(6),
            "city": CITIES[rng.integers(0, len(CITIES), n)],
            "label": rng.integers(0, 2, n),
            "note": np.char.add("n", (rng.integers(0, 1_000_000, n)).astype(str)),
        }
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--rows", type=int, default=23_000_000)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if os.path.exists(os.path.join(out, ".complete")):
        return
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1)
    edit = np.random.default_rng(2)
    deleted = set(edit.choice(args.rows, 2_000, replace=False).tolist())
    moved_from = args.rows // 2
    moved = None
    files = [open(os.path.join(out, name), "w") for name in ("a.csv", "b.csv", "c.csv")]
    fa, fb, fc = files
    if True:
        for i, start in enumerate(range(0, args.rows, CHUNK)):
            df = chunk(start, min(start + CHUNK, args.rows), rng)
            df.to_csv(fa, index=False, header=i == 0)
            c = df.copy()
            in_place = edit.random(len(c)) < 0.001
            c.loc[in_place, "amount"] = (c.loc[in_place, "amount"] - 1).round(2)
            c.to_csv(fc, index=False, header=i == 0)
            b = df.copy()
            changed = edit.random(len(b)) < 0.001
            b.loc[changed, "amount"] = (b.loc[changed, "amount"] + 1).round(2)
            flip = edit.random(len(b)) < 0.0002
            b.loc[flip, "city"] = "Lisbon"
            b = b[~b["id"].isin(deleted)]
            if start <= moved_from < start + CHUNK:
                cut = b["id"].between(moved_from, moved_from + 4_999)
                moved = b[cut]
                b = b[~cut]
            b.to_csv(fb, index=False, header=i == 0)
        moved.to_csv(fb, index=False, header=False)
        chunk(args.rows, args.rows + 3_000, rng).to_csv(fb, index=False, header=False)
    for f in files:
        f.close()
    open(os.path.join(out, ".complete"), "w").close()


main()
