"""What every stage shares: the project folder, params.yaml, the MLflow store and experiment.

Stages run from the project folder (DVC runs each `cmd` where dvc.yaml is). Runs go to the store in
MLFLOW_TRACKING_URI when it is set (ML Workbench sets it to the store its views read), else to the
SQLite file mlflow.db here, MLflow's own default.
"""

import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def params():
    return yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))


def raw_file():
    return ROOT / "data" / "raw" / params()["data"]["file"]


def use_mlflow():
    """Points MLflow at the project's store and experiment; returns the mlflow module."""
    import mlflow

    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{ROOT / 'mlflow.db'}")
    mlflow.set_experiment(os.environ.get("MLFLOW_EXPERIMENT_NAME") or params()["mlflow"]["experiment"])
    return mlflow


def load_split(name):
    """Features and target of data/prepared/<name>.csv."""
    import pandas as pd

    target = params()["data"]["target"]
    frame = pd.read_csv(ROOT / "data" / "prepared" / f"{name}.csv")
    return frame.drop(columns=[target]), frame[target]


def features_transformer(features):
    """Numbers scaled, categories one-hot encoded (unseen ones ignored at prediction time)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in features.columns if features[c].dtype.kind in "biuf"]
    categorical = [c for c in features.columns if c not in numeric]
    return ColumnTransformer([("numbers", StandardScaler(), numeric), ("categories", OneHotEncoder(handle_unknown="ignore"), categorical)])


def log_training_context(mlflow, p):
    """The parameters DVC tracks and the data version, on the run."""
    import json

    mlflow.log_params({f"{section}.{key}": value for section in ("prepare", "train") for key, value in p[section].items()})
    manifest = json.loads((ROOT / "data" / "raw" / "MANIFEST.json").read_text(encoding="utf-8"))
    mlflow.set_tags({"data.file": manifest["file"], "data.sha256": manifest["sha256"], "data.rows": manifest["rows"]})


def save_training(run, model):
    """models/model.pkl for evaluate, models/run.json (the run and its logged model) for evaluate and register."""
    import json
    import pickle

    import mlflow

    logged = mlflow.last_logged_model()
    if logged is None:
        raise SystemExit("train: MLflow's autologging logged no model; see the output above.")
    models = ROOT / "models"
    models.mkdir(exist_ok=True)
    (models / "model.pkl").write_bytes(pickle.dumps(model))
    record = {"run_id": run.info.run_id, "model_id": logged.model_id, "model_uri": logged.model_uri}
    (models / "run.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def log_evaluation(metrics, artifacts):
    """metrics.json written, and the metrics (as test_*) and plots logged to the training run."""
    import json

    (ROOT / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    run = json.loads((ROOT / "models" / "run.json").read_text(encoding="utf-8"))
    mlflow = use_mlflow()
    with mlflow.start_run(run_id=run["run_id"]):
        mlflow.log_metrics({f"test_{key}": value for key, value in metrics.items()})
        mlflow.log_artifact(str(ROOT / "metrics.json"))
        for path in artifacts:
            mlflow.log_artifact(str(path), artifact_path="plots")
    return run
