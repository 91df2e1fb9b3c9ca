"""`migrakg import FILE [--format csv|xlsx|hsds|osm|rdf] [--source NAME] [--dry-run] [--store PATH] [--agent WHO]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..errors import EXIT_INPUT, EXIT_NONCONFORMING, NotConforming, SourceError, user_language
from ..importing import FORMATS, ImportOutcome, open_target_store, run_import
from ..namespaces import DEFAULT_BASE, ORG
from ..settings import Settings
from ..sparql.store import KnowledgeStore


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        help="CSV/XLSX in the template of data/README.md, an HSDS 3.0 folder or JSON, "
        "the OSM community-centre table, or RDF (Turtle, JSON-LD, N-Triples)",
    )
    parser.add_argument("--format", choices=FORMATS, help="input format (default: from name, extension and header)")
    parser.add_argument(
        "--source", help="source name: graph {base}graph/import/NAME, IRIs id/{kind}/NAME--{slug} (default: from the file name)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument(
        "--store", help="on-disk store (created if absent, then loaded with the latest build; default build/store)"
    )
    parser.add_argument("--agent", help="who runs the import, for the provenance (default: $USER)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang or user_language()
    if args.dry_run and not (Path(args.store) if args.store else settings.build_path / "store").exists():
        from ..sparql.opening import open_store

        store = open_store(settings)  # a dry run creates no store: compare with the latest build in memory
    else:
        store = open_target_store(settings, args.store)
    try:
        outcome = run_import(
            settings, args.file, fmt=args.format, source=args.source, dry_run=args.dry_run, store=store, agent=args.agent
        )
    except SourceError as exc:
        # one language only (--lang, LANG); every problem once
        title = "nicht lesbar, nichts wurde geändert" if lang == "de" else "cannot be read, nothing was changed"
        _err(f"migrakg import: {args.file}: {title}")
        for line in dict.fromkeys(problem.render(lang) for problem in exc.problems):  # one cell, one message
            _err(f"  {line}")
        return EXIT_INPUT
    except NotConforming as exc:
        _err(f"migrakg import: {exc.message(lang)}")
        for result in getattr(exc.report, "violations", []):
            _err(f"  {result.render(lang)}")
        return EXIT_NONCONFORMING
    _print(outcome, lang, args.dry_run, store)
    return 0


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _print(outcome: ImportOutcome, lang: str, dry_run: bool, store: KnowledgeStore) -> None:
    de = lang == "de"
    for note in outcome.parsed.notes:
        print(("Hinweis: " if de else "note: ") + note, file=sys.stderr)
    for warning in outcome.report.warnings:
        print(warning.render(lang), file=sys.stderr)
    diff = outcome.diff
    if outcome.unchanged:
        print(
            f"{outcome.parsed.source}: "
            + ("unverändert (gleiche Prüfsumme, gleicher Inhalt)" if de else "unchanged (same checksum, same content)")
        )
        return
    names = record_names(outcome, store)
    unchanged = sorted(set(names) - set(diff.added) - set(diff.changed) - set(diff.removed))
    verb = ("würde ändern" if de else "would change") if dry_run else ("geändert" if de else "changed")
    print(
        f"{outcome.parsed.source}: {verb}: {len(diff.added)} "
        + ("neu" if de else "new")
        + f", {len(diff.changed)} "
        + ("geändert" if de else "changed")
        + f", {len(unchanged)} "
        + ("unverändert" if de else "unchanged")
        + f", {len(diff.removed)} "
        + ("entfernt" if de else "removed")
    )
    for label, items in (("+", diff.added), ("~", diff.changed), ("=", unchanged), ("-", diff.removed)):
        for item in sorted(items, key=lambda i: (kind_label(i, lang), (names.get(i) or i).lower())):
            print(f"  {label} {kind_label(item, lang)}: {names.get(item, item)}")


KIND_LABELS = {
    "organisation": ("Organisation", "organisation"),
    "place": ("Ort", "place"),
    "offer": ("Angebot", "offer"),
    "network": ("Netzwerk", "network"),
    "membership": ("Mitgliedschaft", "membership"),
    "project": ("Projekt", "project"),
    "funding": ("Förderung", "funding"),
    "carrier-role": ("Trägerschaft", "carrier role"),
    "district": ("Bezirk", "district"),
}


def kind_label(iri: str, lang: str) -> str:
    kind = iri.split("/id/", 1)[1].split("/", 1)[0] if "/id/" in iri else ""
    de, en = KIND_LABELS.get(kind, ("Eintrag", "record"))
    return de if lang == "de" else en


def record_names(outcome: ImportOutcome, store: KnowledgeStore) -> dict[str, str]:
    """record IRI (as stored) → its name, for the import's records and those it removes.
    A membership is named by its member and network."""
    from ..namespaces import SCHEMA

    labels = (SKOS.prefLabel, SCHEMA.name, RDFS.label)
    graph = outcome.parsed.graph
    own = {str(s) for s in graph.subjects(RDF.type, None) if "#" not in str(s)}
    stored_base = outcome.graph_iri.split("graph/import/", 1)[0]

    def stored(iri: str) -> str:
        return stored_base + iri[len(DEFAULT_BASE) :] if iri.startswith(DEFAULT_BASE) else iri

    names: dict[str, str] = {}
    for iri in own:
        name = next((str(o) for p in labels for o in graph.objects(URIRef(iri), p)), "")
        if not name and (graph.value(URIRef(iri), ORG.member) is not None):
            member, network = graph.value(URIRef(iri), ORG.member), graph.value(URIRef(iri), ORG.organization)
            member_name = next((str(o) for p in labels for o in graph.objects(member, p)), str(member))
            network_name = next((str(o) for p in labels for o in graph.objects(network, p)), str(network))
            name = f"{member_name} → {network_name}"
        names[stored(iri)] = name or stored(iri)
    for iri in outcome.diff.removed:
        for predicate in labels:
            quads = store.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(str(predicate)), None, None)
            found = next(iter(quads), None)
            if found is not None and isinstance(found.object, ox.Literal):
                names[iri] = found.object.value
                break
    return names
