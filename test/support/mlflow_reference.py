"""Prints what MLflow's own REST handler would answer, as the reference for contract tests.

    python mlflow_reference.py experiments --tracking-uri URI [--view-type VIEW]
    python mlflow_reference.py runs --tracking-uri URI [--experiment-id ID] [--view-type VIEW]
    python mlflow_reference.py batch --tracking-uri URI < queries.json

VIEW is ACTIVE_ONLY (default), DELETED_ONLY or ALL. `experiments` and `runs` fetch every page
and merge them (the output never carries a next_page_token); `runs` without --experiment-id
covers every experiment that search_experiments returns for the same view type.

`batch` answers a JSON list of queries with a JSON list of answers, in one process (importing
MLflow costs ~2 s). A query mirrors one `ml-workbench` CLI call, options by their CLI names:

    {"command": "experiments", "view_type": V, "filter": F, "order_by": [O], "max_results": N,
     "page_token": T}
    {"command": "runs", "experiment_id": [ID], ...the same options}
    {"command": "run", "run_id": ID}
    {"command": "metric-history", "run_id": ID, "key": K, "max_points": N}
    {"command": "models", "filter": F, "max_results": N, "page_token": T}
    {"command": "model-versions", "name": NAME, "filter": F, "max_results": N}
    {"command": "logged-models", "experiment_id": [ID]}
    {"command": "artifacts", "run_id": ID, "path": P}
    {"command": "download", "run_id": ID, "path": P, "dst": DIR}

`download` is `mlflow.artifacts.download_artifacts` into DIR, answered as the downloaded path
relative to DIR and the sha256 of every file under DIR by its relative path.

Each answer is one response of the handler in mlflow/server/handlers.py (_search_experiments,
search_runs_impl, get_run_impl, _get_metric_history, get_metric_history_bulk_interval_impl,
_search_registered_models, search_model_versions_impl, _search_logged_models,
list_artifacts_impl): the store's entities, .to_proto(), message_to_json. With "pages": true
the answer is instead the list of every page, following next_page_token from the first request.
Left-out options take the request proto's defaults, as the handler reads them.

For an http(s) URI the stores are MLflow's REST stores, so the server's own handler produced
what they return; see CLIENT_DEFAULTS for the one adjustment that needs.
"""

import argparse
import json
import os
import sys
import warnings

PAGE_SIZE = 1000
# SearchExperiments.max_results has no proto default (0); MlflowClient sends this one.
EXPERIMENTS_PAGE = 1000
# Fields MLflow's client entities set to their proto default when they are serialised again,
# although the server's JSON left them out (RegisteredModel/ModelVersion/LoggedModel.from_proto
# read unset fields as defaults). Only a server backend goes through from_proto, so only there
# are these dropped: what remains is exactly what the server answered.
CLIENT_DEFAULTS = {
    "deployment_job_state": "DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED",
    "user_id": "",
    "status_message": "",
}
REGISTRY_COMMANDS = {"models", "model-versions", "logged-models"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["experiments", "runs", "batch"])
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--experiment-id", action="append", default=[])
    parser.add_argument("--view-type", default="ACTIVE_ONLY",
                        choices=["ACTIVE_ONLY", "DELETED_ONLY", "ALL"])
    return parser.parse_args()


def all_pages(search):
    items, token = [], None
    while True:
        page = search(token)
        items.extend(page)
        token = page.token
        if not token:
            return items


def is_server(uri):
    return uri.lower().startswith(("http://", "https://"))


class Reference:
    """The handlers' answers for one tracking URI."""

    def __init__(self, uri):
        from mlflow.tracking._model_registry.utils import _get_store as registry_store
        from mlflow.tracking._tracking_service.utils import _get_store as tracking_store

        self.uri = uri
        self.tracking = tracking_store(uri)
        self.registry = registry_store(uri)

    def view(self, query):
        from mlflow.entities import ViewType

        return ViewType.from_string(query.get("view_type", "ACTIVE_ONLY").lower())

    def experiment_ids(self, query, view_type):
        """The CLI's default: every experiment search_experiments lists for the view type."""
        if query.get("experiment_id"):
            return list(query["experiment_id"])
        return [e.experiment_id for e in all_pages(lambda token: self.tracking.search_experiments(
            view_type=view_type, max_results=PAGE_SIZE, page_token=token))]

    def experiments(self, query):
        from mlflow.protos.service_pb2 import SearchExperiments

        found = self.tracking.search_experiments(
            view_type=self.view(query), max_results=query.get("max_results", EXPERIMENTS_PAGE),
            order_by=query.get("order_by", []), filter_string=query.get("filter", ""),
            page_token=query.get("page_token"))
        response = SearchExperiments.Response()
        response.experiments.extend(e.to_proto() for e in found)
        if found.token:
            response.next_page_token = found.token
        return response

    def runs(self, query):
        from mlflow.protos.service_pb2 import SearchRuns

        view_type = self.view(query)
        response = SearchRuns.Response()
        experiment_ids = self.experiment_ids(query, view_type)
        found = self.tracking.search_runs(
            experiment_ids=experiment_ids, filter_string=query.get("filter", ""),
            run_view_type=view_type, max_results=query.get("max_results", SearchRuns().max_results),
            order_by=query.get("order_by", []), page_token=query.get("page_token"))
        response.runs.extend(r.to_proto() for r in found)
        if found.token:
            response.next_page_token = found.token
        return response

    def run(self, query):
        from mlflow.protos.service_pb2 import GetRun

        return GetRun.Response(run=self.tracking.get_run(query["run_id"]).to_proto())

    def metric_history(self, query):
        from mlflow.protos.service_pb2 import GetMetricHistory, GetMetricHistoryBulkInterval

        if "max_points" not in query:
            response = GetMetricHistory.Response()
            response.metrics.extend(m.to_proto() for m in self.tracking.get_metric_history(
                query["run_id"], query["key"], max_results=None, page_token=None))
            return response
        if is_server(self.uri):
            return self.server_bulk_interval(query)
        response = GetMetricHistoryBulkInterval.Response()
        response.metrics.extend(m.to_proto() for m in self.tracking.get_metric_history_bulk_interval(
            run_ids=[query["run_id"]], metric_key=query["key"], max_results=query["max_points"],
            start_step=None, end_step=None))
        return response

    def server_bulk_interval(self, query):
        """The server's own answer: MLflow's RestStore has no get_metric_history_bulk_interval, so
        the client-side fallback (AbstractStore's) would sample differently from the server's
        SQL store. The endpoint is GET-only (mlflow/server/handlers.py, get_endpoints)."""
        from google.protobuf.json_format import ParseDict
        from mlflow.protos.service_pb2 import GetMetricHistoryBulkInterval
        from mlflow.utils.rest_utils import http_request, verify_rest_response

        params = {"run_ids": [query["run_id"]], "metric_key": query["key"],
                  "max_results": query["max_points"]}
        endpoint = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
        answer = http_request(self.tracking.get_host_creds(), endpoint, "GET", params=params)
        answer = verify_rest_response(answer, endpoint)
        return ParseDict(answer.json(), GetMetricHistoryBulkInterval.Response())

    def models(self, query):
        from mlflow.protos.model_registry_pb2 import SearchRegisteredModels

        found = self.registry.search_registered_models(
            filter_string=query.get("filter", ""),
            max_results=query.get("max_results", SearchRegisteredModels().max_results),
            order_by=query.get("order_by", []), page_token=query.get("page_token"))
        response = SearchRegisteredModels.Response()
        response.registered_models.extend(m.to_proto() for m in found)
        if found.token:
            response.next_page_token = found.token
        return response

    def model_versions(self, query):
        from mlflow.protos.model_registry_pb2 import SearchModelVersions

        filter_string = query.get("filter")
        if filter_string is None and "name" in query:
            # What the CLI sends for --name (src/cli/commands.ts).
            filter_string = "name = '{}'".format(query["name"].replace("'", "\\'"))
        found = self.registry.search_model_versions(
            filter_string=filter_string or "",
            max_results=query.get("max_results", SearchModelVersions().max_results),
            order_by=query.get("order_by", []), page_token=query.get("page_token"))
        response = SearchModelVersions.Response()
        response.model_versions.extend(v.to_proto() for v in found)
        if found.token:
            response.next_page_token = found.token
        return response

    def logged_models(self, query):
        from mlflow.entities import ViewType
        from mlflow.protos.service_pb2 import SearchLoggedModels

        experiment_ids = self.experiment_ids(query, ViewType.ACTIVE_ONLY)
        found = self.tracking.search_logged_models(
            experiment_ids=experiment_ids, filter_string=None, datasets=None, max_results=None,
            order_by=None, page_token=query.get("page_token"))
        response = SearchLoggedModels.Response()
        response.models.extend(m.to_proto() for m in found)
        if found.token:
            response.next_page_token = found.token
        return response

    def artifacts(self, query):
        """list_artifacts_impl. A server's mlflow-artifacts:/ root is listed through the server's
        proxy (the handler's _list_artifacts_for_proxied_run_artifact_root), which answers
        the same run-relative paths, is_dir and file_size."""
        from mlflow.protos.service_pb2 import ListArtifacts
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
        from mlflow.utils.uri import validate_path_is_safe

        path = validate_path_is_safe(query["path"]) if "path" in query else None
        run = self.tracking.get_run(query["run_id"])
        response = ListArtifacts.Response()
        files = get_artifact_repository(run.info.artifact_uri).list_artifacts(path)
        response.files.extend(f.to_proto() for f in files)
        response.root_uri = run.info.artifact_uri
        return response

    def download(self, query):
        import hashlib

        import mlflow.artifacts

        dst = query["dst"]
        local = mlflow.artifacts.download_artifacts(
            run_id=query["run_id"], artifact_path=query.get("path"), dst_path=dst,
            tracking_uri=self.uri)
        files = {}
        for folder, _, names in os.walk(dst):
            for name in names:
                full = os.path.join(folder, name)
                with open(full, "rb") as f:
                    files[os.path.relpath(full, dst)] = hashlib.sha256(f.read()).hexdigest()
        return {"local_path": os.path.relpath(local, dst), "files": files}

    def answer(self, query):
        handler = getattr(self, query["command"].replace("-", "_"))
        if query["command"] == "download":
            return handler(query)
        if not query.get("pages"):
            return self.to_json(query["command"], handler(query))
        pages, token = [], None
        while True:
            page = self.to_json(query["command"], handler({**query, "page_token": token}))
            pages.append(page)
            token = page.get("next_page_token")
            if not token:
                return pages

    def to_json(self, command, message):
        from mlflow.utils.proto_json_utils import message_to_json

        answer = json.loads(message_to_json(message))
        if is_server(self.uri) and command in REGISTRY_COMMANDS:
            answer = without_client_defaults(answer)
        return answer


def without_client_defaults(value):
    if isinstance(value, list):
        return [without_client_defaults(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {key: without_client_defaults(field) for key, field in value.items()
            if not (key in CLIENT_DEFAULTS and field == CLIENT_DEFAULTS[key])}


def merged(reference, command, args):
    """The `experiments`/`runs` commands: every page merged into one response."""
    query = {"command": command, "view_type": args.view_type, "experiment_id": args.experiment_id,
             "max_results": PAGE_SIZE, "pages": True}
    field = "experiments" if command == "experiments" else "runs"
    items = [item for page in reference.answer(query) for item in page.get(field, [])]
    # Protobuf JSON leaves out an empty repeated field.
    return {field: items} if items else {}


def main():
    args = parse_args()
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    if is_server(args.tracking_uri):
        # mlflow-artifacts:/ roots resolve against the tracking server.
        os.environ["MLFLOW_TRACKING_URI"] = args.tracking_uri
    warnings.simplefilter("ignore")
    reference = Reference(args.tracking_uri)
    if args.command == "batch":
        answer = [reference.answer(query) for query in json.load(sys.stdin)]
    else:
        answer = merged(reference, args.command, args)
    json.dump(answer, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
