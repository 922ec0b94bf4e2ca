"""Prints what MLflow's own REST handler would answer, as the reference for contract tests.

    python mlflow_reference.py experiments --tracking-uri URI [--view-type VIEW]
    python mlflow_reference.py runs --tracking-uri URI [--experiment-id ID] [--view-type VIEW]

VIEW is ACTIVE_ONLY (default), DELETED_ONLY or ALL. The response protos are built from
MlflowClient entities with .to_proto() and serialised with message_to_json, exactly as
mlflow/server/handlers.py does in _search_experiments and search_runs_impl. Every page is
fetched and merged, so the output never carries a next_page_token. `runs` without
--experiment-id covers every experiment that search_experiments returns for the same view type.
Orders are the stores' defaults: experiments as search_experiments returns them, runs by
start_time DESC, run_id ASC.
"""

import argparse
import os
import sys
import warnings

PAGE_SIZE = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["experiments", "runs"])
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


def search_experiments(client, view_type):
    return all_pages(lambda token: client.search_experiments(
        view_type=view_type, max_results=PAGE_SIZE, page_token=token))


def experiments_response(client, view_type):
    from mlflow.protos.service_pb2 import SearchExperiments

    response = SearchExperiments.Response()
    response.experiments.extend(e.to_proto() for e in search_experiments(client, view_type))
    return response


def runs_response(client, experiment_ids, view_type):
    from mlflow.protos.service_pb2 import SearchRuns

    if not experiment_ids:
        experiment_ids = [e.experiment_id for e in search_experiments(client, view_type)]
    response = SearchRuns.Response()
    if experiment_ids:
        runs = all_pages(lambda token: client.search_runs(
            experiment_ids, run_view_type=view_type, max_results=PAGE_SIZE, page_token=token))
        response.runs.extend(r.to_proto() for r in runs)
    return response


def main():
    args = parse_args()
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    warnings.simplefilter("ignore")
    from mlflow import MlflowClient
    from mlflow.entities import ViewType
    from mlflow.utils.proto_json_utils import message_to_json

    client = MlflowClient(args.tracking_uri)
    view_type = ViewType.from_string(args.view_type.lower())
    if args.command == "experiments":
        message = experiments_response(client, view_type)
    else:
        message = runs_response(client, args.experiment_id, view_type)
    sys.stdout.write(message_to_json(message))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
