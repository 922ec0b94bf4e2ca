"""Trains an SGD classifier epoch by epoch and logs everything to MLflow.

Writes models/model.pkl, models/mlflow_run.json (the run and model ids for evaluate.py) and
eval/train_history.csv (the per-epoch curve DVC plots). The options override params.yaml for one
training (the MLproject's entry point uses them); the DVC stage runs it without options.
"""

import argparse
import json
import os
import pickle
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import yaml
from mlflow.models import infer_signature
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline

EXPERIMENT = "demo-iris"
REGISTERED_MODEL = "iris-classifier"


def load(path):
    frame = pd.read_csv(path)
    return frame.drop(columns=["target"]), frame["target"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alpha", type=float, help="regularisation (default: train.alpha of params.yaml)")
    parser.add_argument("--epochs", type=int, help="passes over the data (default: train.epochs)")
    parser.add_argument("--description", default="", help="the run's description")
    parser.add_argument("--out-dir", default=".", help="where models/ and eval/ are written")
    return parser.parse_args()


def main():
    args = parse_args()
    params = yaml.safe_load(Path("params.yaml").read_text())["train"]
    if args.alpha is not None:
        params["alpha"] = args.alpha
    if args.epochs is not None:
        params["epochs"] = args.epochs
    out = Path(args.out_dir)
    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
    # Under `mlflow run` the run already exists (MLFLOW_RUN_ID) in the experiment mlflow run
    # chose; setting another one here would make start_run refuse to resume it.
    if "MLFLOW_RUN_ID" not in os.environ:
        mlflow.set_experiment(EXPERIMENT)
    x_train, y_train = load("data/prepared/train.csv")
    x_test, y_test = load("data/prepared/test.csv")
    classes = np.unique(y_train)

    scaler = StandardScaler().fit(x_train)
    sgd = SGDClassifier(loss="log_loss", alpha=params["alpha"],
                        learning_rate=params["learning_rate"], eta0=0.01,
                        random_state=params["seed"])
    run_name = f"sgd-alpha{params['alpha']}-ep{params['epochs']}"
    history = []
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params({f"train.{k}": v for k, v in params.items()})
        if args.description:
            mlflow.set_tag("mlflow.note.content", args.description)
        mlflow.log_input(mlflow.data.from_pandas(pd.read_csv("data/prepared/train.csv"),
                                                 source="data/prepared/train.csv",
                                                 name="iris-train", targets="target"),
                         context="training")
        xs_train, xs_test = scaler.transform(x_train), scaler.transform(x_test)
        for epoch in range(params["epochs"]):
            sgd.partial_fit(xs_train, y_train, classes=classes)
            loss = log_loss(y_train, sgd.predict_proba(xs_train), labels=classes)
            accuracy = accuracy_score(y_test, sgd.predict(xs_test))
            mlflow.log_metrics({"train_loss": loss, "val_accuracy": accuracy}, step=epoch)
            history.append({"epoch": epoch, "train_loss": loss, "val_accuracy": accuracy})

        model = make_pipeline(scaler, sgd)
        example = x_train.head(5)
        info = mlflow.sklearn.log_model(
            model, name="model", input_example=example,
            signature=infer_signature(example, model.predict(example)),
            registered_model_name=REGISTERED_MODEL)

    (out / "models").mkdir(parents=True, exist_ok=True)
    (out / "models/model.pkl").write_bytes(pickle.dumps(model))
    (out / "models/mlflow_run.json").write_text(json.dumps(
        {"run_id": run.info.run_id, "model_id": info.model_id,
         "model_uri": info.model_uri, "registered_version": info.registered_model_version},
        indent=2) + "\n")
    (out / "eval").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(history).to_csv(out / "eval/train_history.csv", index=False)
    print(f"train: run {run.info.run_id} ({run_name}), val_accuracy {history[-1]['val_accuracy']:.3f}")


if __name__ == "__main__":
    main()
