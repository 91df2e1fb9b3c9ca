"""`migrakg token add NAME --source NAME…`, `migrakg token list`, `migrakg token revoke NAME`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "list", "revoke"), help="add a token, list them, or revoke one")
    parser.add_argument("name", nargs="?", help="token name (a slug, e.g. lichtenberg-coordination)")
    parser.add_argument("--source", nargs="+", default=[], metavar="NAME", help="sources the token may change (add)")
    parser.add_argument("--store", help="knowledge base folder (default: MIGRAKG_STORE or var/kb)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..errors import UsageError
    from ..kb.base import prepare_folder
    from ..kb.tokens import TokenStore

    tokens = TokenStore(prepare_folder(Path(args.store) if args.store else settings.store_path))
    if args.action == "list":
        for token in tokens.tokens():
            print(f"{token.name}\t{' '.join(token.sources)}\t{token.created}")
        return 0
    if not args.name:
        raise UsageError(f"token {args.action} needs a NAME")
    if args.action == "revoke":
        tokens.revoke(args.name)
        print(f"revoked {args.name} (effective at once, also in a running server)")
        return 0
    secret = tokens.add(args.name, args.source)
    print(
        f"Token {args.name} für / for {', '.join(sorted(set(args.source)))} — nur jetzt sichtbar, bitte sicher aufbewahren / "
        "shown only now, keep it safe:",
        file=sys.stderr,
    )
    print(secret)
    return 0
