"""Scores models/model.pkl on the test split: metrics.json, eval/predictions.csv, and the same
metrics logged to the training run in MLflow."""

import json
import os
import pickle
from pathlib import Path

import mlflow
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score


def main():
    model = pickle.loads(Path("models/model.pkl").read_bytes())
    run = json.loads(Path("models/mlflow_run.json").read_text())
    test = pd.read_csv("data/prepared/test.csv")
    actual = test.pop("target")
    predicted = model.predict(test)
    metrics = {"accuracy": accuracy_score(actual, predicted),
               "f1_macro": f1_score(actual, predicted, average="macro")}
    Path("metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    Path("eval").mkdir(exist_ok=True)
    pd.DataFrame({"actual": actual, "predicted": predicted}).to_csv("eval/predictions.csv",
                                                                     index=False)

    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
    with mlflow.start_run(run_id=run["run_id"]):
        mlflow.log_metrics({f"test_{k}": v for k, v in metrics.items()})
        mlflow.log_artifact("eval/predictions.csv", artifact_path="eval")
    print(f"evaluate: accuracy {metrics['accuracy']:.3f}, f1_macro {metrics['f1_macro']:.3f}")


if __name__ == "__main__":
    main()
