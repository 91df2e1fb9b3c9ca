"""A/B: does making Virtuoso's own graphs private (graph-level security, migrakg/replica/virtuoso.py
`prepare`) slow the query mix? Two instances with the same data, queried directly, taking turns.

    nice .venv/bin/python bench/replica_graph_security.py --size 500k

Result: bench/results/replica-graph-security-{size}.json (quoted in bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from replica_bench import side_by_side  # noqa: E402
from run_bench import RESULTS, SIZES, WORK, ensure_data, load_queries, log, machine  # noqa: E402

from migrakg.replica import Instance, Settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="500k")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--memory", type=int, default=800)
    args = parser.parse_args(argv)
    path, _ = ensure_data(args.size, SIZES[args.size])
    data = path.read_bytes()
    instances: dict[str, Instance] = {}
    try:
        for name in ("private-graphs", "open"):
            folder = WORK / f"virtuoso-ab-{name}"
            shutil.rmtree(folder, ignore_errors=True)
            instance = Instance.create(folder, Settings.sized(args.memory))
            if name == "open":  # no `prepare`: Virtuoso's defaults (its own graphs visible, no graph security)
                instance.password, instance.prepared = "dba", True
                instance.save()
            instance.start()
            instance.bulk_load(data, 0)
            instances[name] = instance
            log(f"{name}: loaded")
        urls = {name: instance.endpoint for name, instance in instances.items()}
        result = {"size": args.size, "machine": machine(), "latency": side_by_side(urls, load_queries(), args.runs, 15.0, 300.0)}
        (RESULTS / f"replica-graph-security-{args.size}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    finally:
        for instance in instances.values():
            instance.stop()
            shutil.rmtree(instance.folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
