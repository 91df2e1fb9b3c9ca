"""`migrakg replica start|stop|load|follow|status --dir DIR [--store PATH]` — the Virtuoso read replica.

start   make the folder (the first time: ini from the template, free ports on 127.0.0.1, a password of its
        own) and start Virtuoso; it keeps running in the background until `stop`
load    fill it from the knowledge base with the bulk loader (everything it held is replaced)
follow  catch up with the change log and keep following it until interrupted (Ctrl-C)
status  the replica's position, the log's head and the lag between them
A server started with `migrakg serve --replica DIR` follows by itself; see docs/replica.md."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..settings import Settings

ACTIONS = ("start", "stop", "load", "follow", "status")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="what to do")
    parser.add_argument("--dir", type=Path, required=True, help="the replica's folder (its database and settings)")
    parser.add_argument("--store", help="knowledge base folder to follow (default: MIGRAKG_STORE or var/kb)")
    parser.add_argument("--memory", type=int, default=512, help="page cache in MB when the folder is made (default 512)")
    parser.add_argument("--timeout", type=int, default=30, help="Virtuoso's own query time limit in s (default 30)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..replica import Follower, Instance
    from ..replica.follow import log_snapshot, read_head
    from ..replica.virtuoso import Settings as ReplicaSettings

    store = Path(args.store) if args.store else settings.store_path
    if args.action == "start":
        sized = ReplicaSettings.sized(args.memory)
        sized.max_seconds = args.timeout
        instance = Instance.create(args.dir, sized)
        instance.start()
        print(
            f"replica {instance.folder}: Virtuoso on 127.0.0.1 (SQL {instance.sql_port}, HTTP {instance.http_port}), pid {instance.pid}"
        )
        return 0
    instance = Instance.open(args.dir)
    if args.action == "stop":
        instance.stop()
        print(f"replica {instance.folder} stopped")
        return 0
    instance.start()
    if args.action == "load":
        nquads, seq = log_snapshot(store)()
        instance.bulk_load(nquads, seq, Follower(instance, store).log_id())
        print(f"replica {instance.folder}: loaded {store} as of change {seq}")
        return 0
    if args.action == "status":
        position, head = instance.position(Follower(instance, store).log_id()), read_head(store)
        print(json.dumps({"position": position, "head": head, "lag": max(0, head - position), "endpoint": instance.endpoint}))
        return 0
    follower = Follower(instance, store)
    print(f"replica {instance.folder} follows {store} (Ctrl-C to stop)", file=sys.stderr)
    try:
        while True:
            applied = follower.catch_up()
            if applied:
                print(f"change {follower.status.position} applied", file=sys.stderr)
            time.sleep(follower.poll)
    except KeyboardInterrupt:
        return 0
