"""MLflow's own client paging a search on a tracking server, for bench/team.ts: the time from the
first search_runs call to the last page (the import and MlflowClient's set-up left out, which
favours MLflow), each page dropped once counted, as a caller that streams would.

    python bench/team_peer.py URL EXPERIMENT_ID PAGE_SIZE [FILTER [ORDER_BY]] [--first-page]

stdout: {"seconds", "count"}.
"""

import json
import sys
import time

from mlflow import MlflowClient

url, experiment_id, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = [a for a in sys.argv[4:] if a != "--first-page"]
filter_string = rest[0] if rest else ""
order_by = [rest[1]] if len(rest) > 1 else None
client = MlflowClient(url)
started = time.monotonic()
count, token = 0, None
while True:
    page = client.search_runs([experiment_id], filter_string=filter_string, order_by=order_by,
                              max_results=page_size, page_token=token)
    count += len(page)
    token = page.token
    if not token or "--first-page" in sys.argv:
        break
print(json.dumps({"seconds": time.monotonic() - started, "count": count}))
