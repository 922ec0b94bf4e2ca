"""MLflow's own answers for the deployment contract tests, several per process (importing MLflow
costs seconds). Reads a JSON list of commands on stdin, prints a JSON list of results:

  {"op": "predict", "model_uri": URI, "input": CSV}  -> pyfunc predictions on the signature's
       columns (all columns without a signature), as a list
  {"op": "set_alias", "name": N, "alias": A, "version": V} -> null
  {"op": "requirements", "model_uri": URI} -> the lines of the model's requirements.txt
  {"op": "resolve", "model_uri": URI} -> {"name", "version"} as MLflow resolves the URI when it
       loads a model, or {"error": MLflow's error code, "message"}
  {"op": "contains", "cases": [[VERSION, SPECIFIER], ...]} -> packaging's
       SpecifierSet(SPECIFIER).contains(VERSION, prereleases=True) per case, or "invalid"

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


def resolve(command):
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException
    from mlflow.store.artifact.utils.models import get_model_name_and_version

    client = MlflowClient()
    try:
        found = get_model_name_and_version(client, command["model_uri"])
        if len(found) == 1:
            return {"model_id": found[0]}
        # A version number is not looked up by the parse; loading the model reads it.
        version = client.get_model_version(found[0], str(found[1]))
    except MlflowException as error:
        return {"error": error.error_code, "message": error.message}
    return {"name": version.name, "version": str(version.version)}


def contains(command):
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    answers = []
    for version, specifier in command["cases"]:
        try:
            answers.append(SpecifierSet(specifier).contains(version, prereleases=True))
        except InvalidSpecifier:
            answers.append("invalid")
    return answers


def main():
    operations = {"predict": predict, "set_alias": set_alias, "requirements": requirements, "resolve": resolve,
                  "contains": contains}
    commands = json.load(sys.stdin)
    json.dump([operations[command["op"]](command) for command in commands], sys.stdout)


if __name__ == "__main__":
    main()
