"""Model-on-Demand worker for the queue "{{queue}}" (written by ML Workbench).

Takes prediction requests from a Redis stream through a consumer group, predicts with an MLflow
model, and publishes each result under its request id. A worker that dies loses no request and
duplicates no result: a request stays pending in the group until its result is published, and
publishing, acknowledging (XACK) and removing it from the stream happen in one atomic step (a Lua
script); a restarted worker first finishes the requests it had pending, and every worker claims
requests another worker left pending longer than --claim-idle-ms (XAUTOCLAIM).

    python {{script}} [--redis-url redis://127.0.0.1:6379/0] [--model-uri URI] [--consumer NAME]

Keys (prefix "{{queue}}"):
  {{queue}}:requests   stream of requests: fields "id" (the request id) and "payload" (JSON in the
                       format of MLflow's /invocations: dataframe_split, dataframe_records,
                       instances or inputs, optionally with params)
  {{queue}}:result:ID  the result of request ID: JSON with id, predictions (as /invocations
                       returns them) or error, model_uri, model_version; kept --result-ttl seconds
  {{queue}}:results    stream of the ids of finished requests, for clients waiting on results
"""

import argparse
import io
import json
import os
import signal
import socket
import sys
import time

QUEUE = "{{queue}}"
MODEL_URI = "{{model_uri}}"
# Used when MLFLOW_TRACKING_URI is not set.
TRACKING_URI = "{{tracking_uri}}"
GROUP = "workers"

# KEYS: result key, results stream, requests stream.
# ARGV: result JSON, result TTL (s), results stream length, request id, group, entry id.
PUBLISH = """
local created = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
if created then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'id', ARGV[4])
end
redis.call('XACK', KEYS[3], ARGV[5], ARGV[6])
redis.call('XDEL', KEYS[3], ARGV[6])
if created then return 1 end
return 0
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--model-uri", default=MODEL_URI, help="models:/NAME@ALIAS or models:/NAME/VERSION")
    parser.add_argument("--queue", default=QUEUE, help="the key prefix")
    parser.add_argument("--consumer", default=socket.gethostname(),
                        help="this worker's name in the group: keep it across restarts, make it unique per worker")
    parser.add_argument("--batch-size", type=int, default=32, help="requests predicted together")
    parser.add_argument("--block-ms", type=int, default=2000, help="how long one read waits for requests")
    parser.add_argument("--claim-idle-ms", type=int, default=60000,
                        help="claim requests other workers have held pending this long")
    parser.add_argument("--max-deliveries", type=int, default=5,
                        help="a request delivered this often is answered with an error instead of retried")
    parser.add_argument("--result-ttl", type=int, default=86400, help="seconds a result is kept")
    parser.add_argument("--results-length", type=int, default=100000, help="about how many finished ids the results stream keeps")
    return parser.parse_args()


def log(message):
    print(message, flush=True)


def connect(url):
    try:
        import redis
    except ImportError:
        print("error: the redis package is not installed in this Python: pip install redis", file=sys.stderr, flush=True)
        sys.exit(2)

    client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=5, health_check_interval=30)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        print(f"error: cannot reach Redis at {url}: {error}. Start it (ML Workbench: Start Redis, or redis-server) "
              f"or pass --redis-url.", file=sys.stderr, flush=True)
        sys.exit(2)
    return client


def load_model(model_uri):
    """Loads the version the URI resolves to now, so that every result names one version."""
    import mlflow

    if not model_uri.startswith("models:/"):
        return mlflow.pyfunc.load_model(model_uri), None
    path = model_uri[len("models:/"):]
    name, _, suffix = path.partition("/")
    client = mlflow.MlflowClient()
    if suffix.isdigit():
        version = suffix
    elif "@" in path and not suffix:
        name, _, alias = path.rpartition("@")
        version = client.get_model_version_by_alias(name, alias).version
    else:
        return mlflow.pyfunc.load_model(model_uri), None
    return mlflow.pyfunc.load_model(f"models:/{name}/{version}"), str(version)


class Worker:
    def __init__(self, client, args, model, version):
        self.client = client
        self.args = args
        self.model = model
        self.version = version
        self.requests = f"{args.queue}:requests"
        self.results = f"{args.queue}:results"
        self.publish_script = client.register_script(PUBLISH)
        self.stopping = False
        self.claim_cursor = "0-0"
        self.last_claim = 0.0
        self.done = 0
        self.failed = 0

    def ensure_group(self):
        import redis

        try:
            # From the start of the stream: requests sent before the first worker are served too.
            self.client.xgroup_create(self.requests, GROUP, id="0", mkstream=True)
        except redis.exceptions.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def run(self):
        self.ensure_group()
        self.recover_own()
        while not self.stopping:
            claimed = self.claim_stale()
            if claimed:
                self.process(claimed, reclaimed=True)
                continue
            reply = self.client.xreadgroup(GROUP, self.args.consumer, {self.requests: ">"},
                                           count=self.args.batch_size, block=self.args.block_ms)
            for _stream, entries in reply or []:
                self.process(entries, reclaimed=False)

    def recover_own(self):
        """The requests this consumer had read but not answered when it stopped."""
        while not self.stopping:
            reply = self.client.xreadgroup(GROUP, self.args.consumer, {self.requests: "0"}, count=self.args.batch_size)
            entries = [entry for _stream, batch in reply or [] for entry in batch]
            if not entries:
                return
            log(f"resuming {len(entries)} request(s) left pending by an earlier run")
            self.process(entries, reclaimed=True)

    def claim_stale(self):
        now = time.monotonic()
        if now - self.last_claim < self.args.claim_idle_ms / 2000:
            return []
        cursor, entries, deleted = (self.client.xautoclaim(
            self.requests, GROUP, self.args.consumer, self.args.claim_idle_ms,
            start_id=self.claim_cursor, count=self.args.batch_size) + [[]])[:3]
        self.claim_cursor = cursor
        if cursor == "0-0":
            self.last_claim = now
        for entry_id in deleted:
            self.client.xack(self.requests, GROUP, entry_id)
        if entries:
            log(f"claimed {len(entries)} request(s) another worker left pending")
        return entries

    def process(self, entries, reclaimed):
        work = []
        for entry_id, fields in entries:
            if not fields:  # removed from the stream meanwhile: nothing to answer
                self.client.xack(self.requests, GROUP, entry_id)
                continue
            request_id = fields.get("id") or entry_id
            if reclaimed and self.deliveries(entry_id) > self.args.max_deliveries:
                self.publish(entry_id, request_id, {"error": f"given up after {self.args.max_deliveries} deliveries"})
                continue
            try:
                work.append((entry_id, request_id, self.parse(fields.get("payload", ""))))
            except Exception as error:  # a malformed request gets an error result, not a retry
                self.publish(entry_id, request_id, {"error": f"bad request: {error}"})
        for (entry_id, request_id, _parsed), outcome in zip(work, self.predict_all([parsed for _, _, parsed in work])):
            self.publish(entry_id, request_id, outcome)

    def deliveries(self, entry_id):
        pending = self.client.xpending_range(self.requests, GROUP, min=entry_id, max=entry_id, count=1)
        return pending[0]["times_delivered"] if pending else 0

    def parse(self, payload):
        from mlflow.pyfunc.scoring_server import infer_and_parse_data

        body = json.loads(payload)
        if not isinstance(body, dict):
            raise ValueError("the payload is not a JSON object")
        params = body.pop("params", None)
        return infer_and_parse_data(body, self.model.metadata.get_input_schema()), params

    def predict_all(self, parsed):
        """One predict() for the requests that can share it (DataFrames, same columns, no params)."""
        import pandas as pd

        frames = [data for data, params in parsed if isinstance(data, pd.DataFrame) and params is None]
        if frames and len(frames) == len(parsed) and all(list(f.columns) == list(frames[0].columns) for f in frames):
            try:
                combined = self.model.predict(pd.concat(frames, ignore_index=True))
                split = split_predictions(combined, [len(frame) for frame in frames])
                if split is not None:
                    return [{"predictions": jsonable(part)} for part in split]
            except Exception:
                pass  # one bad request must not fail the others: predict them one by one
        return [self.predict_one(data, params) for data, params in parsed]

    def predict_one(self, data, params):
        try:
            return {"predictions": jsonable(self.model.predict(data, params=params) if params else self.model.predict(data))}
        except Exception as error:
            return {"error": f"{type(error).__name__}: {error}"}

    def publish(self, entry_id, request_id, outcome):
        result = {"id": request_id, **outcome, "model_uri": self.args.model_uri, "model_version": self.version,
                  "worker": self.args.consumer}
        self.publish_script(keys=[f"{self.args.queue}:result:{request_id}", self.results, self.requests],
                            args=[json.dumps(result), self.args.result_ttl, self.args.results_length,
                                  request_id, GROUP, entry_id])
        self.done += 1
        self.failed += "error" in outcome


def split_predictions(predictions, lengths):
    import numpy as np
    import pandas as pd

    if len(predictions) != sum(lengths):
        return None
    bounds = np.cumsum([0] + lengths)
    if isinstance(predictions, (pd.DataFrame, pd.Series)):
        return [predictions.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    if isinstance(predictions, (list, np.ndarray)):
        return [predictions[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return None


def jsonable(predictions):
    """The predictions as MLflow's scoring server writes them in {"predictions": ...}."""
    from mlflow.pyfunc.scoring_server import predictions_to_json

    buffer = io.StringIO()
    predictions_to_json(predictions, buffer)
    return json.loads(buffer.getvalue())["predictions"]


def main():
    args = parse_args()
    if not os.environ.get("MLFLOW_TRACKING_URI") and TRACKING_URI:
        os.environ["MLFLOW_TRACKING_URI"] = TRACKING_URI
    client = connect(args.redis_url)
    model, version = load_model(args.model_uri)
    worker = Worker(client, args, model, version)

    def stop(_signum, _frame):
        worker.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    described = f"{args.model_uri} (version {version})" if version else args.model_uri
    log(f"worker {args.consumer}: {described} on {args.queue}:requests at {args.redis_url}")
    import redis

    while not worker.stopping:
        try:
            worker.run()
        except redis.exceptions.ConnectionError as error:
            # Pending requests stay in Redis; they are resumed once it answers again.
            log(f"lost Redis ({error}); retrying in 2 s")
            time.sleep(2)
    log(f"worker {args.consumer}: stopped after {worker.done} request(s), {worker.failed} with an error")


if __name__ == "__main__":
    main()
