"""Points the "champion" alias of the registered model at the version with the best test accuracy."""

import os

import mlflow
from mlflow import MlflowClient

REGISTERED_MODEL = "iris-classifier"


def main():
    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
    client = MlflowClient()
    versions = client.search_model_versions(f"name = '{REGISTERED_MODEL}'")

    def score(version):
        metrics = client.get_run(version.run_id).data.metrics
        # Ties go to the newer version.
        return (metrics.get("test_accuracy", float("-inf")), int(version.version))

    best = max(versions, key=score)
    client.set_registered_model_alias(REGISTERED_MODEL, "champion", best.version)
    client.set_model_version_tag(REGISTERED_MODEL, best.version, "validated", "true")
    print(f"promote: {REGISTERED_MODEL} version {best.version} is champion")


if __name__ == "__main__":
    main()
