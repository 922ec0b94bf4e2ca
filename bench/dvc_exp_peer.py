"""DVC's own `exp show` in one Python process, asked again and again: the in-process peer of our
warm read (what a long-lived tool built on DVC's API would get). Prints {"seconds": [...]}.

    python bench/dvc_exp_peer.py REPO NUM RUNS
"""
import json
import sys
import time

from dvc.repo import Repo


def main() -> None:
    root, num, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seconds = []
    with Repo(root) as repo:
        for _ in range(runs):
            start = time.perf_counter()
            repo.experiments.show(num=num)
            seconds.append(time.perf_counter() - start)
    json.dump({"seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
