"""register: registers the trained model in the MLflow Model Registry and points an alias at it.

The model was logged by train (MLflow autologging: with its signature and an input example); this
stage registers that logged model as a new version of `register.model_name`, tags the version
with its test metrics and data version, and moves the alias `register.alias` (@candidate) to it.
A reviewer promotes a candidate by moving @champion (ML Workbench: Models view → Set Alias…).
"""

import json

from mlflow import MlflowClient

from project import ROOT, params, use_mlflow


def main():
    settings = params()["register"]
    run = json.loads((ROOT / "models" / "run.json").read_text(encoding="utf-8"))
    metrics = json.loads((ROOT / "metrics.json").read_text(encoding="utf-8"))
    manifest = json.loads((ROOT / "data" / "raw" / "MANIFEST.json").read_text(encoding="utf-8"))
    mlflow = use_mlflow()
    name, alias = settings["model_name"], settings["alias"]
    tags = {f"test_{key}": str(value) for key, value in metrics.items()}
    tags["data.sha256"] = manifest["sha256"]
    version = mlflow.register_model(run["model_uri"], name, tags=tags)
    MlflowClient().set_registered_model_alias(name, alias, version.version)
    record = {"name": name, "version": int(version.version), "alias": alias, "uri": f"models:/{name}@{alias}", "run_id": run["run_id"]}
    (ROOT / "models" / "registered.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"register: {name} version {version.version} is @{alias} ({', '.join(f'{k} {v:.4g}' for k, v in metrics.items())})")


if __name__ == "__main__":
    main()
