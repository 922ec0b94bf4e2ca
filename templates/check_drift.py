"""Drift check of the DVC stage "{{stage}}" (written by ML Workbench).

Compares the current data with the reference data (the data the model learned from) with
Evidently's DataDriftPreset, its default tests per column. Writes the report as JSON (DVC metrics:
`dvc metrics show`, and the Experiments table), and the full Evidently report as HTML beside it.
Exits with 1 when Evidently finds the dataset drifted (the share of drifted columns reaches
--drift-share), which stops `dvc repro` before the stages that depend on this one.

    python {{script}} --reference REF --current CUR --report drift/report.json [--html drift/report.html] [--drift-share 0.5]

Reads CSV, TSV, JSON Lines and Parquet (by the file's extension). Needs pandas and evidently.
"""

import argparse
import json
import math
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("DO_NOT_TRACK", "1")


def read_table(path):
    import pandas as pd

    lower = path.lower()
    if lower.endswith(".parquet"):
        return pd.read_parquet(path)
    if lower.endswith(".jsonl") or lower.endswith(".ndjson"):
        return pd.read_json(path, lines=True)
    if lower.endswith(".tsv"):
        return pd.read_csv(path, sep="\t")
    return pd.read_csv(path)


def finite(value):
    """JSON has no NaN or Infinity: such a score is written as null."""
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def main():
    parser = argparse.ArgumentParser(description="Fail when the current data drifted from the reference data (Evidently).")
    parser.add_argument("--reference", required=True)
    parser.add_argument("--current", required=True)
    parser.add_argument("--report", required=True, help="the JSON report (a DVC metrics file)")
    parser.add_argument("--html", help="Evidently's full report as HTML")
    parser.add_argument("--drift-share", type=float, default=0.5, help="the share of drifted columns that makes the dataset drifted (Evidently's default 0.5)")
    args = parser.parse_args()

    from evidently import Report
    from evidently.presets import DataDriftPreset

    reference = read_table(args.reference)
    current = read_table(args.current)
    snapshot = Report([DataDriftPreset(drift_share=args.drift_share)], include_tests=True).run(current, reference)
    body = snapshot.dict()
    columns, dataset = {}, {"drifted_columns": 0, "share_of_drifted_columns": 0.0, "dataset_drift": False}
    for metric in body["metrics"]:
        config = metric["config"]
        if config["type"].endswith(":ValueDrift"):
            columns[config["column"]] = {"method": config["method"], "threshold": finite(config["threshold"]), "score": finite(metric["value"]), "drifted": False}
        elif config["type"].endswith(":DriftedColumnsCount"):
            dataset["drifted_columns"] = int(metric["value"]["count"])
            dataset["share_of_drifted_columns"] = float(metric["value"]["share"])
    for test in body["tests"]:
        params = test["metric_config"]["params"]
        if params["type"].endswith(":ValueDrift") and params["column"] in columns:
            columns[params["column"]]["drifted"] = test["status"] == "FAIL"
        elif params["type"].endswith(":DriftedColumnsCount"):
            dataset["dataset_drift"] = test["status"] == "FAIL"

    report = {
        **dataset,
        "tested_columns": len(columns),
        "drift_share": args.drift_share,
        "reference": {"path": args.reference, "rows": int(len(reference))},
        "current": {"path": args.current, "rows": int(len(current))},
        "columns": columns,
    }
    for path in [args.report] + ([args.html] if args.html else []):
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
    with open(args.report, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2, sort_keys=True)
        out.write("\n")
    if args.html:
        snapshot.save_html(args.html)

    drifted = sorted(name for name, column in columns.items() if column["drifted"])
    verdict = "DRIFTED" if dataset["dataset_drift"] else "no dataset drift"
    print(f"{verdict}: {dataset['drifted_columns']} of {len(columns)} columns drifted ({dataset['share_of_drifted_columns']:.0%}; the dataset drifts at {args.drift_share:.0%})" + (f": {', '.join(drifted)}" if drifted else ""))
    if dataset["dataset_drift"]:
        print(f"The stage fails so that `dvc repro` stops here: see {args.report}" + (f" and {args.html}" if args.html else ""), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
