"""`migrakg publish [--out dist/] [--push URL --token TOKEN]`"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..errors import UsageError
from ..settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="release folder (default: dist/ in the project folder)")
    parser.add_argument(
        "--source", type=Path, help="the built N-Quads file to publish (default: build/migrakg.nq; built if absent)"
    )
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
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    defaults = Publisher()
    publisher = Publisher(name=args.publisher or defaults.name, contact_email=args.contact_email, contact_url=args.contact_url)
    release = publish(settings, args.out, source_path=args.source, publisher=publisher, owner_org=args.owner_org, progress=say)
    counts = ", ".join(f"{n} {k}" for k, n in release.counts.items())
    print(
        f"published {release.out_dir}: release {release.released.isoformat()}, {release.triples} triples ({counts}); "
        f"{len(release.files)} files, {release.size} bytes"
    )
    if args.push:
        from ..publishing.datenregister import push

        item = json.loads((release.out_dir / DATENREGISTER).read_text(encoding="utf-8"))
        result = push(item, args.push, token)
        print(f"{result.action}: {result.name} at {args.push}")
    return 0
