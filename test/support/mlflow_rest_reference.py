"""MLflow's own client against a tracking server: the reference for the REST contract tests.

    python mlflow_rest_reference.py populate --tracking-uri URL
    python mlflow_rest_reference.py query --tracking-uri URL < queries.json

`populate` logs a small, fixed set of experiments, runs, metrics (NaN and infinities included),
an artifact, a logged model and registered model versions through the server, and prints their
ids as JSON. `query` reads a JSON list of queries from stdin and prints a JSON list of answers,
each the response proto the server's handler would build (mlflow/server/handlers.py) from what
MlflowClient(URL) returned, serialised with message_to_json. Queries:

    {"kind": "experiments", "view_type": "ACTIVE_ONLY"}
    {"kind": "runs", "experiment_ids": [...], "filter": "...", "order_by": [...]}
    {"kind": "run", "run_id": "..."}
    {"kind": "history", "run_id": "...", "key": "..."}
    {"kind": "registered_models"} | {"kind": "model_versions"}
    {"kind": "logged_models", "experiment_ids": [...]}
    {"kind": "artifact_tree", "run_id": "..."}   every folder's list_artifacts (with the run's
        root_uri, as the server's ListArtifacts response) and every file's download_artifacts:
        {"listings": {path: response}, "files": {path: {"size", "base64"}}}, "" for the root

Searches fetch every page and merge them, so answers carry no next_page_token.
"""

import argparse
import base64
import contextlib
import json
import math
import os
import sys
import tempfile
import warnings


def all_pages(search):
    items, token = [], None
    while True:
        page = search(token)
        items.extend(page)
        token = page.token
        if not token:
            return items


def populate(client):
    import mlflow

    mlflow.set_tracking_uri(client.tracking_uri)
    ids = {"experiments": {}, "runs": {}}
    main = client.create_experiment("contract-main", tags={"team": "vision"})
    other = client.create_experiment("contract-other")
    ids["experiments"] = {"contract-main": main, "contract-other": other}
    accuracies = {"alpha": 0.3, "beta": 0.6, "gamma": 0.9, "delta": 0.55, "epsilon": 0.7}
    for index, (name, acc) in enumerate(accuracies.items()):
        with mlflow.start_run(experiment_id=main, run_name=name) as run:
            mlflow.log_params({"lr": str(0.01 * (index + 1)), "layers": str(index + 2)})
            mlflow.set_tag("family", "odd" if index % 2 else "even")
            for step in range(6):
                mlflow.log_metric("loss", 1.0 / (step + 1 + index), step=step, timestamp=1_700_000_000_000 + step)
            mlflow.log_metric("acc", acc)
            ids["runs"][name] = run.info.run_id
    with mlflow.start_run(experiment_id=main, run_name="odd-values") as run:
        mlflow.log_metric("nan_metric", math.nan)
        mlflow.log_metric("inf_metric", math.inf)
        mlflow.log_metric("neg_inf_metric", -math.inf)
        mlflow.log_text("hello from mlflow\n", "notes/hello.txt")
        mlflow.log_text("", "notes/empty.txt")
        mlflow.log_text("unicode name\n", "notes/é ü 😀.txt")
        mlflow.log_dict({"depth": 3, "name": "deep"}, "notes/deep/config.json")
        # Bytes that are not text (every byte value), 75 KiB.
        with tempfile.TemporaryDirectory() as scratch:
            blob = os.path.join(scratch, "blob.bin")
            with open(blob, "wb") as f:
                f.write(bytes(range(256)) * 300)
            mlflow.log_artifact(blob, "data")
        ids["runs"]["odd-values"] = run.info.run_id
        with mlflow.start_run(experiment_id=main, run_name="child", nested=True) as child:
            mlflow.log_metric("acc", 0.51)
            ids["runs"]["child"] = child.info.run_id
    with mlflow.start_run(experiment_id=other, run_name="lonely") as run:
        ids["runs"]["lonely"] = run.info.run_id
    model = client.create_logged_model(main, name="classifier", source_run_id=ids["runs"]["gamma"], params={"depth": "3"}, tags={"stage": "candidate"})
    ids["logged_model"] = model.model_id
    client.create_registered_model("contract-model", tags={"owner": "ada"}, description="for the contract test")
    for name in ("gamma", "epsilon"):
        client.create_model_version("contract-model", f"runs:/{ids['runs'][name]}/model", run_id=ids["runs"][name])
    client.set_registered_model_alias("contract-model", "champion", "1")
    client.create_registered_model("contract-empty")
    return ids


def artifact_tree(client, run_id):
    from mlflow.protos import service_pb2 as service
    from mlflow.utils.proto_json_utils import message_to_json

    root_uri = client.get_run(run_id).info.artifact_uri
    listings, files, pending = {}, {}, [""]
    with tempfile.TemporaryDirectory() as scratch:
        while pending:
            path = pending.pop()
            entries = client.list_artifacts(run_id, path or None)
            response = service.ListArtifacts.Response(root_uri=root_uri)
            response.files.extend(f.to_proto() for f in entries)
            listings[path] = json.loads(message_to_json(response))
            for entry in entries:
                if entry.is_dir:
                    pending.append(entry.path)
                    continue
                with open(client.download_artifacts(run_id, entry.path, dst_path=scratch), "rb") as f:
                    content = f.read()
                files[entry.path] = {"size": len(content), "base64": base64.b64encode(content).decode("ascii")}
    return {"listings": listings, "files": files}


def query(client, q):
    from mlflow.entities import ViewType
    from mlflow.protos import model_registry_pb2 as registry
    from mlflow.protos import service_pb2 as service

    kind = q["kind"]
    if kind == "experiments":
        view = ViewType.from_string(q.get("view_type", "ACTIVE_ONLY").lower())
        response = service.SearchExperiments.Response()
        response.experiments.extend(e.to_proto() for e in all_pages(lambda t: client.search_experiments(view_type=view, max_results=1000, page_token=t)))
    elif kind == "runs":
        response = service.SearchRuns.Response()
        runs = all_pages(lambda t: client.search_runs(q["experiment_ids"], filter_string=q.get("filter", ""), order_by=q.get("order_by"), max_results=1000, page_token=t))
        response.runs.extend(r.to_proto() for r in runs)
    elif kind == "run":
        response = service.GetRun.Response(run=client.get_run(q["run_id"]).to_proto())
    elif kind == "history":
        response = service.GetMetricHistory.Response()
        response.metrics.extend(m.to_proto() for m in client.get_metric_history(q["run_id"], q["key"]))
    elif kind == "registered_models":
        response = registry.SearchRegisteredModels.Response()
        response.registered_models.extend(m.to_proto() for m in all_pages(lambda t: client.search_registered_models(page_token=t)))
    elif kind == "model_versions":
        response = registry.SearchModelVersions.Response()
        response.model_versions.extend(v.to_proto() for v in all_pages(lambda t: client.search_model_versions(page_token=t)))
    elif kind == "artifact_tree":
        return artifact_tree(client, q["run_id"])
    elif kind == "logged_models":
        response = service.SearchLoggedModels.Response()
        response.models.extend(m.to_proto() for m in all_pages(lambda t: client.search_logged_models(q["experiment_ids"], page_token=t)))
    else:
        raise SystemExit(f"unknown query kind {kind!r}")
    return response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["populate", "query"])
    parser.add_argument("--tracking-uri", required=True)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ["MLFLOW_TRACKING_URI"] = args.tracking_uri
    from mlflow import MlflowClient
    from mlflow.utils.proto_json_utils import message_to_json

    client = MlflowClient(args.tracking_uri)
    if args.command == "populate":
        # The fluent API prints "View run ... at" lines: stdout carries only the JSON answer.
        with contextlib.redirect_stdout(sys.stderr):
            ids = populate(client)
        json.dump(ids, sys.stdout)
    else:
        answers = [answer if isinstance(answer, dict) else json.loads(message_to_json(answer)) for answer in (query(client, q) for q in json.load(sys.stdin))]
        json.dump(answers, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
