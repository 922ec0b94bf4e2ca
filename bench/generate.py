"""Builds the benchmark stores with real MLflow, once, and caches them.

Two stores, each in both MLflow backends (a file store `mlruns/` and an SQLite `mlflow.db`
with the same run ids and the same content):

  listing   <runs> runs in the Default experiment (id 0), each with 10 params, 10 metrics x 100
            steps and 5 tags (plus the mlflow.runName tag MLflow adds), status FINISHED
  history   one run with one metric `loss` of <steps> steps
  runs-history  <runs> runs (default 20), each with one metric `loss` of <steps> steps (charts of
            several runs)

The file store is written through MlflowClient.log_batch (batches of <= 1000 metrics, several
processes at once: the file store has no writer lock). The SQLite store is then made from it
by `mlflow migrate-filestore`, which keeps run ids, or, with --sqlite-via log, by logging the
same content again through MlflowClient against sqlite:/// (one writer: SQLite locks).
Measured at 200 runs on 2 busy cores: migrate 25.7 s, log 39.9 s, so migrate is the default.
The migration holds up to 1000 runs' ORM objects before it flushes: ~3 GB peak RSS.

Cache: ${ML_WORKBENCH_CACHE:-~/.cache/ml-workbench}/bench/mlflow<version>/<kind>-v<content
version>-<size>/{mlruns,mlflow.db,manifest.json}. A store is built in `.build-<name>/` and
renamed into place only when complete (manifest.json written last); an interrupted build
resumes at the first phase without a done marker. stdout: the store directory only (or the
manifest with --json); progress goes to stderr.

  python bench/generate.py listing --runs 10000
  python bench/generate.py history --steps 1000000
  python bench/generate.py runs-history --runs 20 --steps 100000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from multiprocessing import get_context
from pathlib import Path

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

# Bump a kind's version when what it generates changes: new stores are built beside the old ones.
CONTENT_VERSION = {"listing": "2", "history": "1", "runs-history": "1"}
BASE_TIME_MS = 1_700_000_000_000
PARAMS, METRICS, STEPS, TAGS = 10, 10, 100, 5
BATCH = 1000  # MLflow's log_batch limit for metrics (and for all entities together)


def log(message: str) -> None:
    print(f"generate: {message}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    import mlflow

    base = Path(os.environ.get("ML_WORKBENCH_CACHE") or Path.home() / ".cache" / "ml-workbench")
    return base / "bench" / f"mlflow{mlflow.__version__}"


def client_for(uri: str):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=uri)


# ---------------------------------------------------------------- content (deterministic)


def run_content(index: int):
    """The params, tags and metric batches of listing run `index`: a function of the index only."""
    from mlflow.entities import Metric, Param

    rng = random.Random(index)
    start = BASE_TIME_MS + index * 1000
    params = [Param(f"param_{p}", f"{rng.choice(['adam', 'sgd', 'rmsprop'])}-{rng.randint(0, 999)}") for p in range(PARAMS)]
    tags = {f"tag_{t}": f"value-{index % (t + 2)}" for t in range(TAGS)}
    metrics = []
    for m in range(METRICS):
        level = rng.random()
        for step in range(STEPS):
            metrics.append(Metric(f"metric_{m}", level / (step + 1) + rng.random() * 1e-3, start + step * 10 + m, step))
    return start, params, tags, metrics


def log_listing_run(client, experiment_id: str, index: int) -> None:
    start, params, tags, metrics = run_content(index)
    run = client.create_run(experiment_id, start_time=start, tags=tags, run_name=f"run-{index:05d}")
    run_id = run.info.run_id
    for offset in range(0, len(metrics), BATCH):
        client.log_batch(run_id, metrics=metrics[offset : offset + BATCH], synchronous=True)
    client.log_batch(run_id, params=params, synchronous=True)
    client.set_terminated(run_id, "FINISHED", end_time=start + STEPS * 10 + 500)


def log_history_run(client, experiment_id: str, steps: int, name: str = "history", seed: int = 42) -> str:
    from mlflow.entities import Metric

    rng = random.Random(seed)
    run = client.create_run(experiment_id, start_time=BASE_TIME_MS, run_name=name)
    run_id = run.info.run_id
    for offset in range(0, steps, BATCH):
        batch = [Metric("loss", 1.0 / (s + 1) + rng.random() * 1e-3, BASE_TIME_MS + s, s) for s in range(offset, min(steps, offset + BATCH))]
        client.log_batch(run_id, metrics=batch, synchronous=True)
        if (offset // BATCH) % 100 == 99:
            log(f"  history: {offset + BATCH:,}/{steps:,} points")
    client.set_terminated(run_id, "FINISHED", end_time=BASE_TIME_MS + steps)
    return run_id


# ---------------------------------------------------------------- file store


def _listing_worker(args: tuple[str, str, int, int, int]) -> int:
    uri, experiment_id, worker, workers, runs = args
    client = client_for(uri)
    done = 0
    started = time.monotonic()
    for index in range(worker, runs, workers):
        log_listing_run(client, experiment_id, index)
        done += 1
        if worker == 0 and done % 250 == 0:
            rate = done / (time.monotonic() - started)
            log(f"  file store: ~{done * workers:,}/{runs:,} runs ({rate * workers:.0f} runs/s)")
    return done


def write_listing(uri: str, runs: int, workers: int) -> dict:
    # The Default experiment, id 0 in both backends. A created one gets a file-store id such as
    # 139421810315722624, beyond 2**53, which JavaScript numbers cannot hold exactly.
    experiment_id = "0"
    client_for(uri)._tracking_client.store  # creating the store creates Default, before workers race to
    if workers > 1:
        with get_context("fork").Pool(workers) as pool:
            counts = pool.map(_listing_worker, [(uri, experiment_id, w, workers, runs) for w in range(workers)])
    else:
        counts = [_listing_worker((uri, experiment_id, 0, 1, runs))]
    assert sum(counts) == runs, counts
    return {"experiment_id": experiment_id, "runs": runs}


def write_history(uri: str, steps: int) -> dict:
    client = client_for(uri)
    experiment_id = client.create_experiment("bench-history")
    run_id = log_history_run(client, experiment_id, steps)
    return {"experiment_id": experiment_id, "run_id": run_id, "key": "loss", "steps": steps}


def _runs_history_worker(args: tuple[str, str, int, int]) -> str:
    uri, experiment_id, index, steps = args
    return log_history_run(client_for(uri), experiment_id, steps, name=f"history-{index:02d}", seed=index)


def write_runs_history(uri: str, runs: int, steps: int, workers: int) -> dict:
    experiment_id = client_for(uri).create_experiment("bench-runs-history")
    with get_context("spawn").Pool(max(1, workers)) as pool:
        run_ids = pool.map(_runs_history_worker, [(uri, experiment_id, i, steps) for i in range(runs)])
    return {"experiment_id": experiment_id, "run_ids": run_ids, "key": "loss", "steps": steps, "runs": runs}


# ---------------------------------------------------------------- SQLite store


def migrate_to_sqlite(mlruns: Path, db: Path) -> None:
    """MLflow's own file -> SQLite migration; it keeps every id, so both stores share run ids."""
    mlflow_cli = Path(sys.executable).with_name("mlflow")
    subprocess.run([str(mlflow_cli), "migrate-filestore", "--source", str(mlruns), "--target", f"sqlite:///{db}", "--no-progress"], check=True, stdout=sys.stderr)
    # The migration switches the file to WAL mode; MLflow's own SQLite stores use a rollback
    # journal, and readers that copy the file (sql.js) must see every page in the main file.
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")


def log_to_sqlite(db: Path, kind: str, size: int) -> None:
    uri = f"sqlite:///{db}"
    if kind == "listing":
        write_listing(uri, size, workers=1)
    else:
        write_history(uri, size)


# ---------------------------------------------------------------- build, resume, cache


def phase(build: Path, name: str, action) -> float:
    """Runs `action` unless an earlier build finished it; returns its seconds (or the recorded ones)."""
    marker = build / f"{name}.done"
    if marker.exists():
        seconds = float(marker.read_text())
        log(f"{name}: done earlier ({seconds:.1f}s), reused")
        return seconds
    log(f"{name}: started")
    started = time.monotonic()
    action()
    seconds = time.monotonic() - started
    marker.write_text(f"{seconds:.3f}")
    log(f"{name}: {seconds:.1f}s")
    return seconds


def build_store(kind: str, size: int, workers: int, sqlite_via: str, force: bool, runs: int = 20) -> Path:
    import mlflow

    root = cache_root()
    name = f"{kind}-v{CONTENT_VERSION[kind]}-{runs}x{size}" if kind == "runs-history" else f"{kind}-v{CONTENT_VERSION[kind]}-{size}"
    final = root / name
    if final.is_dir() and (final / "manifest.json").is_file() and not force:
        return final
    if final.exists():
        shutil.rmtree(final)
    build = root / f".build-{name}"
    build.mkdir(parents=True, exist_ok=True)
    mlruns, db = build / "mlruns", build / "mlflow.db"
    facts_file = build / "facts.json"

    def write_file_store() -> None:
        shutil.rmtree(mlruns, ignore_errors=True)
        uri = mlruns.as_uri()
        if kind == "listing":
            facts = write_listing(uri, size, workers)
        elif kind == "runs-history":
            facts = write_runs_history(uri, runs, size, workers)
        else:
            facts = write_history(uri, size)
        facts_file.write_text(json.dumps(facts))

    def write_sqlite() -> None:
        db.unlink(missing_ok=True)
        if sqlite_via == "migrate":
            migrate_to_sqlite(mlruns, db)
        else:
            log_to_sqlite(db, kind, size)

    seconds_file = phase(build, "file-store", write_file_store)
    seconds_sqlite = phase(build, f"sqlite-{sqlite_via}", write_sqlite)
    facts = json.loads(facts_file.read_text())
    facts.update(sqlite_ids(db, kind))
    manifest = {
        "cache_key": root.name,
        "kind": kind,
        "size": size,
        "mlflow": mlflow.__version__,
        "sqlite_via": sqlite_via,
        "workers": workers,
        "seconds": {"file_store": round(seconds_file, 1), "sqlite": round(seconds_sqlite, 1)},
        "bytes": {"file_store": tree_bytes(mlruns), "sqlite": db.stat().st_size},
        **facts,
    }
    (build / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for marker in build.glob("*.done"):
        marker.unlink()
    facts_file.unlink()
    build.rename(final)
    log(f"{name}: ready in {final}")
    return final


def sqlite_ids(db: Path, kind: str) -> dict:
    """The ids as the SQLite store knows them (the same as the file store's after a migration)."""
    with sqlite3.connect(db) as connection:
        name = {"listing": "Default", "history": "bench-history", "runs-history": "bench-runs-history"}[kind]
        experiment = connection.execute("SELECT experiment_id FROM experiments WHERE name = ?", (name,)).fetchone()
        run = connection.execute("SELECT run_uuid FROM runs WHERE name = 'history'").fetchone()
    ids = {"sqlite_experiment_id": str(experiment[0])}
    if kind == "history":
        ids["sqlite_run_id"] = run[0]
    return ids


def tree_bytes(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["listing", "history", "runs-history"])
    parser.add_argument("--runs", type=int, help="runs of the listing store (default 10,000) or of runs-history (default 20)")
    parser.add_argument("--steps", type=int, default=1_000_000, help="points of the history metric")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes writing the file store")
    parser.add_argument("--sqlite-via", choices=["migrate", "log"], default="migrate")
    parser.add_argument("--force", action="store_true", help="rebuild even when cached")
    parser.add_argument("--json", action="store_true", help="print the manifest instead of the directory")
    args = parser.parse_args()
    runs = args.runs if args.runs is not None else (10_000 if args.kind == "listing" else 20)
    size = runs if args.kind == "listing" else args.steps
    store = build_store(args.kind, size, max(1, args.workers), args.sqlite_via, args.force, runs=runs)
    print((store / "manifest.json").read_text() if args.json else store)


if __name__ == "__main__":
    main()
