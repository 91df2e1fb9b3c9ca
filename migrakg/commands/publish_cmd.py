"""`migrakg publish [--out dist/] [--store PATH] [--source NAME…] [--nquads FILE] [--push URL --token TOKEN]`

A release of what the knowledge base holds (all sources, or the named ones), or of a given N-Quads file."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Text, UsageError
from ..settings import Settings

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def check_public(public_url: str | None, owner_org: str | None, push: bool) -> None:
    """A public release names a public address and, for the Datenregister, its owner organisation.
    Without --public-url the release is a local preview. Raises UsageError."""
    if public_url:
        host = (urlsplit(public_url).hostname or "").lower()
        if host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost"):
            raise UsageError(
                Text(
                    f"--public-url {public_url} ist eine Adresse nur dieses Rechners; eine Veröffentlichung braucht die öffentliche Adresse (z. B. https://daten.example.berlin)",
                    f"--public-url {public_url} is an address of this machine only; a release needs the public address (e.g. https://data.example.berlin)",
                )
            )
    if (public_url or push) and not owner_org:
        raise UsageError(
            Text(
                "der Datenregister-Eintrag braucht die Organisation (--owner-org, CKAN owner_org), der er gehört",
                "the Datenregister record needs the organisation it belongs to (--owner-org, CKAN owner_org)",
            )
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="release folder (default: dist/ in the project folder)")
    parser.add_argument("--store", help="knowledge base to publish (default: MIGRAKG_STORE or var/kb); works while a server runs")
    parser.add_argument(
        "--source", nargs="+", metavar="NAME", help="publish only these sources (e.g. one district project's import), not all"
    )
    parser.add_argument("--nquads", type=Path, help="publish this N-Quads file instead of the knowledge base")
    parser.add_argument(
        "--public-url",
        help="address the release is served at (download links; default: MIGRAKG_PUBLIC_URL or http://127.0.0.1:8000)",
    )
    parser.add_argument("--publisher", help="name of the publishing body (the administration unit)")
    parser.add_argument("--contact-email", help="functional e-mail address of the contact point")
    parser.add_argument("--contact-url", help="contact page of the contact point (default: the public URL)")
    parser.add_argument("--owner-org", help="Datenregister organisation (CKAN owner_org) the record belongs to")
    parser.add_argument(
        "--push", metavar="URL", help="send datenregister.json to this CKAN instance (package_show → create/update)"
    )
    parser.add_argument("--token", help="CKAN API token for --push (or env MIGRAKG_CKAN_TOKEN)")
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ..publishing.dcat import Publisher
    from ..publishing.release import DATENREGISTER, publish

    if args.public_url:
        settings = settings.with_(public_url=args.public_url)
    token = args.token or os.environ.get("MIGRAKG_CKAN_TOKEN")
    if args.push and not token:
        raise UsageError("--push needs --token (or MIGRAKG_CKAN_TOKEN): the CKAN API token of the publishing organisation")
    check_public(settings.public_url, args.owner_org, bool(args.push))
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    defaults = Publisher()
    publisher = Publisher(name=args.publisher or defaults.name, contact_email=args.contact_email, contact_url=args.contact_url)
    with tempfile.TemporaryDirectory(prefix="migrakg-publish-") as tmp:
        source_path = args.nquads
        if source_path is None:
            from ..kb.export import export_nquads
            from ..sparql.opening import open_store

            say("reading the knowledge base …")
            store = open_store(settings, store=args.store)
            source_path = Path(tmp) / "knowledge-base.nq"
            export_nquads(store.store, settings.base_iri, source_path, args.source)
        elif args.source:
            raise UsageError("--source names sources of the knowledge base; it cannot be combined with --nquads")
        elif not source_path.exists():
            raise UsageError(f"{source_path} not found")
        release = publish(
            settings, args.out, source_path=source_path, publisher=publisher, owner_org=args.owner_org, progress=say
        )
    counts = ", ".join(f"{n} {k}" for k, n in release.counts.items())
    print(
        f"published {release.out_dir}: release {release.released.isoformat()}, {release.triples} triples ({counts}); "
        f"{len(release.files)} files, {release.size} bytes"
    )
    if args.push:
        from ..publishing.datenregister import push

        item = json.loads((release.out_dir / DATENREGISTER).read_text(encoding="utf-8"))
        assert token is not None  # checked above
        result = push(item, args.push, token)
        print(f"{result.action}: {result.name} at {args.push}")
    return 0
