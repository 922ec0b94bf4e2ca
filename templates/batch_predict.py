"""Batch predictions for the DVC stage "{{stage}}" (written by ML Workbench).

Runs a registered MLflow model over the stage's input table and writes one prediction per input
row, in input order. The model is exactly the version recorded in params.yaml
({{stage}}.model_version): when {{stage}}.model_uri is an alias and the alias moves, updating
model_version makes `dvc status` report the stage as changed, and `dvc repro` predicts again with
the new version. Checking out an old commit gives back that commit's version and predictions.

    python {{script}} --params params.yaml --section {{stage}} --input IN --output OUT

Inputs: .csv, .parquet, .json (records or split) and .jsonl. Outputs: .csv, .parquet or .jsonl.
"""

import argparse
import os
import sys
from pathlib import Path

# Used when MLFLOW_TRACKING_URI is not set (relative paths are relative to the dvc.yaml folder).
TRACKING_URI = "{{tracking_uri}}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml", help="the params file holding the model")
    parser.add_argument("--section", required=True, help="its section: model_uri, model_version")
    parser.add_argument("--input", required=True, help="the table to predict on")
    parser.add_argument("--output", required=True, help="where the predictions go")
    parser.add_argument("--keep-columns", default="",
                        help="input columns copied into the output before the predictions (comma-separated)")
    return parser.parse_args()


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def read_model_params(path, section):
    import yaml

    try:
        params = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        fail(f"cannot read {path}: {error}")
    entry = params.get(section) if isinstance(params, dict) else None
    if not isinstance(entry, dict) or "model_uri" not in entry or "model_version" not in entry:
        fail(f"{path} has no section {section!r} with model_uri and model_version")
    return str(entry["model_uri"]), str(entry["model_version"])


def parse_model_uri(model_uri):
    """(name, version, alias) of models:/NAME/VERSION, models:/NAME/latest or models:/NAME@ALIAS."""
    path = model_uri[len("models:/"):] if model_uri.startswith("models:/") else ""
    name, _, suffix = path.partition("/")
    if suffix:
        if suffix.isdigit():
            return name, suffix, None
        if suffix.lower() == "latest":
            return name, None, None
    elif "@" in path:
        name, _, alias = path.rpartition("@")
        if name and alias:
            return name, None, alias
    fail(f"{model_uri} is not models:/NAME/VERSION, models:/NAME/latest or models:/NAME@ALIAS")


def warn_if_moved(client, model_uri, version):
    """The stage predicts with the recorded version; say so when the URI resolves elsewhere now."""
    name, pinned, alias = parse_model_uri(model_uri)
    if pinned is not None:
        return
    try:
        if alias is not None:
            current = client.get_model_version_by_alias(name, alias).version
        else:
            current = max(int(v.version) for v in client.search_model_versions(f"name = '{name}'"))
    except Exception as error:  # an unreachable registry: the recorded version still loads, or fails clearly below
        print(f"warning: could not resolve {model_uri}: {error}", file=sys.stderr)
        return
    if str(current) != version:
        print(f"warning: {model_uri} now resolves to version {current}, but the params record version {version}: "
              f"predicting with version {version}. Set model_version to {current} and run `dvc repro` "
              f"for the new version's predictions.", file=sys.stderr)


def read_table(path):
    import pandas as pd

    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".jsonl":
        return pd.read_json(path, lines=True)
    if suffix == ".json":
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(data, dict) and "columns" in data and "data" in data:
            return pd.DataFrame(data["data"], columns=data["columns"])
        return pd.DataFrame(data)
    fail(f"cannot read {path}: use a .csv, .parquet, .json or .jsonl file")


def write_table(frame, path):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_csv(path, index=False)


def model_input(model, frame):
    """The signature's columns, in its order; the whole table when the model has no signature."""
    schema = model.metadata.get_input_schema()
    if schema is None or not schema.has_input_names():
        print("warning: the model has no input signature: every column of the input is passed to it", file=sys.stderr)
        return frame
    names = schema.input_names()
    required = set(schema.required_input_names())
    missing = [name for name in names if name in required and name not in frame.columns]
    if missing:
        fail(f"the input lacks the model's columns: {', '.join(map(str, missing))}")
    return frame[[name for name in names if name in frame.columns]]


def predictions_frame(predictions, length):
    import numpy as np
    import pandas as pd

    if isinstance(predictions, pd.DataFrame):
        result = predictions.reset_index(drop=True)
    elif isinstance(predictions, pd.Series):
        result = pd.DataFrame({"prediction": predictions.reset_index(drop=True)})
    else:
        array = np.asarray(predictions)
        if array.ndim == 1:
            result = pd.DataFrame({"prediction": array})
        elif array.ndim == 2:
            result = pd.DataFrame(array, columns=[f"prediction_{i}" for i in range(array.shape[1])])
        else:
            result = pd.DataFrame({"prediction": [row.tolist() for row in array]})
    if len(result) != length:
        fail(f"the model returned {len(result)} predictions for {length} rows")
    return result


def main():
    args = parse_args()
    if not os.environ.get("MLFLOW_TRACKING_URI") and TRACKING_URI:
        os.environ["MLFLOW_TRACKING_URI"] = TRACKING_URI
    import mlflow
    import pandas as pd

    model_uri, version = read_model_params(args.params, args.section)
    if not version.isdigit():
        fail(f"{args.section}.model_version is {version!r}, not a version number")
    name, pinned_version, _ = parse_model_uri(model_uri)
    if pinned_version is not None and pinned_version != version:
        fail(f"{args.section}.model_uri pins version {pinned_version} but model_version is {version}")
    warn_if_moved(mlflow.MlflowClient(), model_uri, version)

    pinned = f"models:/{name}/{version}"
    model = mlflow.pyfunc.load_model(pinned)
    frame = read_table(args.input)
    keep = [name for name in args.keep_columns.split(",") if name]
    absent = [name for name in keep if name not in frame.columns]
    if absent:
        fail(f"--keep-columns: the input has no column {', '.join(absent)}")
    result = predictions_frame(model.predict(model_input(model, frame)), len(frame))
    output = pd.concat([frame[keep].reset_index(drop=True), result], axis=1) if keep else result
    write_table(output, args.output)
    print(f"{args.section}: {len(frame)} predictions from {pinned} ({model_uri}) -> {args.output}")


if __name__ == "__main__":
    main()
