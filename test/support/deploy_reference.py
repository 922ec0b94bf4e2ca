"""MLflow's own answers for the deployment contract tests, several per process (importing MLflow
costs seconds). Reads a JSON list of commands on stdin, prints a JSON list of results:

  {"op": "predict", "model_uri": URI, "input": CSV}  -> pyfunc predictions on the signature's
       columns (all columns without a signature), as a list
  {"op": "set_alias", "name": N, "alias": A, "version": V} -> null
  {"op": "requirements", "model_uri": URI} -> the lines of the model's requirements.txt

The tracking URI comes from MLFLOW_TRACKING_URI.
"""

import json
import sys


def predict(command):
    import mlflow
    import pandas as pd

    model = mlflow.pyfunc.load_model(command["model_uri"])
    frame = pd.read_csv(command["input"])
    schema = model.metadata.get_input_schema()
    if schema is not None and schema.has_input_names():
        frame = frame[schema.input_names()]
    return [value.item() if hasattr(value, "item") else value for value in model.predict(frame)]


def set_alias(command):
    from mlflow import MlflowClient

    MlflowClient().set_registered_model_alias(command["name"], command["alias"], command["version"])


def requirements(command):
    from pathlib import Path

    from mlflow.artifacts import download_artifacts

    path = download_artifacts(artifact_uri=command["model_uri"].rstrip("/") + "/requirements.txt")
    return [line for line in Path(path).read_text().splitlines() if line.strip()]


def main():
    operations = {"predict": predict, "set_alias": set_alias, "requirements": requirements}
    commands = json.load(sys.stdin)
    json.dump([operations[command["op"]](command) for command in commands], sys.stdout)


if __name__ == "__main__":
    main()
