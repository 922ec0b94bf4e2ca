"""Send prediction requests to the queue "{{queue}}" and receive the results (written by ML Workbench).

    python {{script}} roundtrip [--input TABLE] [--rows-per-request N]   # send, then wait for every result
    python {{script}} send --input TABLE --ids-file ids.json             # only send
    python {{script}} receive --ids-file ids.json [--output results.jsonl]

Without --input, the model's input example is sent (one request). Requests go to the stream
{{queue}}:requests as {"id", "payload"} (payload: MLflow's /invocations JSON, dataframe_split);
results are read from {{queue}}:result:ID, woken by the stream {{queue}}:results. Start a worker
first ({{worker}}) — or after: requests wait in Redis until one takes them.
"""

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

QUEUE = "{{queue}}"
# The model's input example as a request payload ("" when the model has none).
EXAMPLE_REQUEST = "{{example_request}}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["roundtrip", "send", "receive"], default="roundtrip")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--queue", default=QUEUE)
    parser.add_argument("--input", help="a .csv, .parquet, .json or .jsonl table; its rows are predicted")
    parser.add_argument("--rows-per-request", type=int, default=1)
    parser.add_argument("--ids-file", help="send: where the request ids are written; receive: where they are read")
    parser.add_argument("--output", help="the results, one JSON line per request, in request order")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for all results")
    return parser.parse_args()


def fail(message, code=1):
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def connect(url):
    try:
        import redis
    except ImportError:
        print("error: the redis package is not installed in this Python: pip install redis", file=sys.stderr, flush=True)
        sys.exit(2)

    client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        fail(f"cannot reach Redis at {url}: {error}. Start it (ML Workbench: Start Redis, or redis-server) or pass --redis-url.", 2)
    return client


def payloads(args):
    if not args.input:
        if not EXAMPLE_REQUEST:
            fail("the model has no input example: pass --input with a table of rows to predict")
        return [EXAMPLE_REQUEST]
    import pandas as pd

    path = Path(args.input)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix in (".jsonl", ".json"):
        frame = pd.read_json(path, lines=suffix == ".jsonl")
    else:
        fail(f"cannot read {path}: use a .csv, .parquet, .json or .jsonl file")
    size = max(1, args.rows_per_request)
    return [json.dumps({"dataframe_split": json.loads(frame.iloc[start:start + size].to_json(orient="split", index=False))})
            for start in range(0, len(frame), size)]


def send(client, args):
    results = f"{args.queue}:results"
    # Results published from now on wake the receiver; earlier ones are found by their keys.
    last = client.xrevrange(results, count=1)
    since = last[0][0] if last else "0-0"
    ids = []
    pipe = client.pipeline(transaction=False)
    for payload in payloads(args):
        request_id = uuid.uuid4().hex
        ids.append(request_id)
        pipe.xadd(f"{args.queue}:requests", {"id": request_id, "payload": payload})
        if len(pipe) >= 500:
            pipe.execute()
    pipe.execute()
    print(f"sent {len(ids)} request(s) to {args.queue}:requests", flush=True)
    return ids, since


def receive(client, args, ids, since):
    waiting = set(ids)
    found = {}
    deadline = time.monotonic() + args.timeout
    cursor = since
    while waiting and time.monotonic() < deadline:
        collect(client, args.queue, waiting, found)
        if not waiting:
            break
        reply = client.xread({f"{args.queue}:results": cursor}, count=1000, block=1000)
        for _stream, entries in reply or []:
            cursor = entries[-1][0]
    collect(client, args.queue, waiting, found)
    results = [found[request_id] for request_id in ids if request_id in found]
    if args.output:
        Path(args.output).write_text("".join(json.dumps(result) + "\n" for result in results), encoding="utf-8")
    errors = sum("error" in result for result in results)
    print(f"received {len(results)} of {len(ids)} result(s), {errors} with an error", flush=True)
    if waiting:
        fail(f"{len(waiting)} result(s) missing after {args.timeout:g} s: is a worker running?")
    if not args.output:
        for result in results:
            print(json.dumps(result))
    return results


def collect(client, queue, waiting, found):
    pending = sorted(waiting)
    for start in range(0, len(pending), 500):
        chunk = pending[start:start + 500]
        for request_id, value in zip(chunk, client.mget([f"{queue}:result:{request_id}" for request_id in chunk])):
            if value is not None:
                found[request_id] = json.loads(value)
                waiting.discard(request_id)


def main():
    args = parse_args()
    client = connect(args.redis_url)
    if args.mode == "receive":
        if not args.ids_file:
            fail("receive needs --ids-file (written by send)")
        saved = json.loads(Path(args.ids_file).read_text(encoding="utf-8"))
        receive(client, args, saved["ids"], saved["since"])
        return
    ids, since = send(client, args)
    if args.ids_file:
        Path(args.ids_file).write_text(json.dumps({"ids": ids, "since": since}), encoding="utf-8")
    if args.mode == "roundtrip":
        receive(client, args, ids, since)


if __name__ == "__main__":
    main()
