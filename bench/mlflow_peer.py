"""The peer: MLflow's own Python client, timed inside the process.

Import and the store's first-use setup (engine creation, schema check) are left out of the timing,
which favours MLflow; what is timed is only the call that answers. Prints one JSON line:
{"seconds": ..., "count": ..., "setup_seconds": ...}.

  python bench/mlflow_peer.py listing URI EXPERIMENT_ID [--page-size N]
  python bench/mlflow_peer.py history URI RUN_ID KEY
  python bench/mlflow_peer.py history-sampled URI RUN_ID KEY MAX_POINTS
"""

import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

from mlflow import MlflowClient  # noqa: E402

# One page of up to MLflow's own maximum (SEARCH_MAX_RESULTS_THRESHOLD): the file store reads
# every run for each page, so paging by the default 1000 would multiply its work.
MAX_PAGE = 50_000


def listing(client: MlflowClient, experiment_id: str, page_size: int) -> int:
    count, token = 0, None
    while True:
        page = client.search_runs([experiment_id], max_results=page_size, page_token=token)
        count += len(page)
        token = page.token
        if not token:
            return count


def main() -> None:
    what, uri, *rest = sys.argv[1:]
    started = time.perf_counter()
    client = MlflowClient(tracking_uri=uri)
    store = client._tracking_client.store  # first use builds the store: engine, schema check
    setup = time.perf_counter() - started
    started = time.perf_counter()
    if what == "listing":
        page_size = int(rest[2]) if len(rest) > 2 and rest[1] == "--page-size" else MAX_PAGE
        count = listing(client, rest[0], page_size)
    elif what == "history":
        count = len(client.get_metric_history(rest[0], rest[1]))
    elif what == "history-sampled":
        # What MLflow's server answers the UI's chart with (get-history-bulk-interval).
        count = len(store.get_metric_history_bulk_interval([rest[0]], rest[1], max_results=int(rest[2]), start_step=None, end_step=None))
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "count": count, "setup_seconds": setup}))


if __name__ == "__main__":
    main()
