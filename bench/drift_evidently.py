"""One timed Evidently run for the drift benchmark: pandas reads the reference and the current
(read_csv or read_parquet), then Report([DataDriftPreset()]).run(current, reference). Prints
{"seconds": read + run, "run_seconds": run only, "read_seconds", "count": drifted columns,
"share": share of drifted columns} as the last line.

    python bench/drift_evidently.py REFERENCE CURRENT
"""

import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("DO_NOT_TRACK", "1")

import pandas as pd  # noqa: E402
from evidently import Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402


def read(path: str) -> pd.DataFrame:
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)


def main() -> None:
    started = time.perf_counter()
    reference, current = read(sys.argv[1]), read(sys.argv[2])
    read_done = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(current, reference)
    done = time.perf_counter()
    counted = next(m["value"] for m in snapshot.dict()["metrics"] if m["config"]["type"].endswith(":DriftedColumnsCount"))
    print(json.dumps({"seconds": done - started, "run_seconds": done - read_done, "read_seconds": read_done - started, "count": counted["count"], "share": counted["share"]}))


if __name__ == "__main__":
    main()
