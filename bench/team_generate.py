"""Fills the team rig's PostgreSQL store with N runs for bench/team.ts, through MLflow's own store
classes: the experiment is created through the server (MlflowClient), the runs, params, tags,
metrics and latest metrics are bulk-inserted with MLflow's SQLAlchemy models (the schema the
server migrated, MLflow's column defaults) by SqlAlchemyStore's own session maker — logging
100,000 runs one REST call at a time would take hours. Deterministic: run i's content is a
function of i.

    python bench/team_generate.py --tracking-uri http://127.0.0.1:PORT \
        --backend-uri postgresql+psycopg2://… --runs 100000

Each run: FINISHED, 10 params, 10 metrics (one step each, so latest = the value), 5 tags plus
mlflow.runName and mlflow.user. stdout: {"experiment_id", "runs", "seconds"}; progress on stderr.
"""

import argparse
import json
import random
import sys
import time
import uuid

PARAMS, METRICS, TAGS = 10, 10, 5
BASE_TIME_MS = 1_700_000_000_000
CHUNK = 5_000


def log(message):
    print(f"team_generate: {message}", file=sys.stderr, flush=True)


def rows(index, experiment_id):
    rng = random.Random(index)
    run_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
    start = BASE_TIME_MS + index * 1000
    name = f"bench-{index:06d}"
    run = dict(run_uuid=run_id, name=name, source_type="LOCAL", source_name="train.py", entry_point_name="",
               user_id="bench", status="FINISHED", start_time=start, end_time=start + 500,
               source_version="", lifecycle_stage="active",
               artifact_uri=f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts", experiment_id=int(experiment_id))
    params = [dict(key=f"param_{p}", value=f"{rng.choice(['adam', 'sgd', 'rmsprop'])}-{rng.randint(0, 999)}", run_uuid=run_id)
              for p in range(PARAMS)]
    tags = [dict(key=f"tag_{t}", value=f"value-{index % (t + 2)}", run_uuid=run_id) for t in range(TAGS)]
    tags += [dict(key="mlflow.runName", value=name, run_uuid=run_id), dict(key="mlflow.user", value="bench", run_uuid=run_id)]
    metrics = [dict(key=f"metric_{m}", value=rng.random(), timestamp=start + m, step=0, is_nan=False, run_uuid=run_id)
               for m in range(METRICS)]
    return run, params, tags, metrics


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--backend-uri", required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--experiment", default="bench-team")
    args = parser.parse_args()

    from mlflow import MlflowClient
    from mlflow.store.tracking.dbmodels.models import SqlLatestMetric, SqlMetric, SqlParam, SqlRun, SqlTag
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    from sqlalchemy import insert, text

    started = time.monotonic()
    experiment_id = MlflowClient(args.tracking_uri).create_experiment(args.experiment)
    store = SqlAlchemyStore(args.backend_uri, "mlflow-artifacts:/")
    for first in range(0, args.runs, CHUNK):
        batch = [rows(i, experiment_id) for i in range(first, min(first + CHUNK, args.runs))]
        with store.ManagedSessionMaker() as session:
            session.execute(insert(SqlRun), [b[0] for b in batch])
            session.execute(insert(SqlParam), [p for b in batch for p in b[1]])
            session.execute(insert(SqlTag), [t for b in batch for t in b[2]])
            session.execute(insert(SqlMetric), [m for b in batch for m in b[3]])
            session.execute(insert(SqlLatestMetric), [m for b in batch for m in b[3]])
        log(f"{first + len(batch)}/{args.runs} runs ({time.monotonic() - started:.0f}s)")
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(json.dumps({"experiment_id": experiment_id, "runs": args.runs, "seconds": round(time.monotonic() - started, 1)}))


if __name__ == "__main__":
    main()
