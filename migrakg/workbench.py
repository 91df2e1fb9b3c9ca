"""The coordinator's workbench, without HTTP: what the browser steps (and `migrakg import` for scripts)
show and do around an import of her own sheet.

- `sheet_view`: each sheet's mapping as she checks it — her header, the field it is read as, how sure,
  why, a few values — with her corrections applied (`corrections`: sheet title → {header: field or ""});
- `outcome_view`: the preview by name (new / changed / unchanged / removed), "read as" notes and warnings
  with her Excel row and header, in one language;
- `problem_view`: an error the same way;
- `duplicates`: her organisations beside the knowledge base's records they may be, with the evidence;
- `publish_source`: the release of her source alone (`migrakg publish --source NAME`), kept beside the
  knowledge base in `{store}/releases/{source}/`.
"""

from __future__ import annotations

import re
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import Problem, Text, UsageError
from .linking.normalise import DISTRICTS
from .namespaces import Iris
from .settings import Settings
from .sources import sheet
from .sources.fields import FIELD_BY_NAME, NOT_TAKEN, fields_for
from .sources.mapping import Mapping, MappingMemory

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
#: the order records are listed in a preview
KIND_ORDER = ("organisation", "place", "offer", "network", "membership")
MEMORY_FOLDER = "mappings"  # in the knowledge base's folder: her confirmed mappings, one file per source


def kind_of(iri: str) -> str:
    """`…/id/offer/x` → "offer"."""
    return iri.split("/id/", 1)[1].split("/", 1)[0] if "/id/" in iri else ""


def kind_label(iri: str, lang: str) -> str:
    """The kind of the record *iri* in words: "Angebot" / "offer"."""
    de, en = KIND_LABELS.get(kind_of(iri), ("Eintrag", "record"))
    return de if lang == "de" else en


def memory_for(root: Path) -> MappingMemory:
    """Where a knowledge base keeps the mappings coordinators confirmed."""
    return MappingMemory(root / MEMORY_FOLDER)


def field_label(name: str | None, lang: str) -> str:
    if not name:
        return "nicht übernehmen" if lang == "de" else "not taken"
    found = FIELD_BY_NAME[name]
    label = found.label_de if lang == "de" else found.label_en
    if name in NOT_TAKEN:  # recognised so that it is left out: a person's name, a row number
        label += " (wird nicht übernommen)" if lang == "de" else " (not taken)"
    return label


def field_choices(kind: str, lang: str) -> list[dict[str, str]]:
    """The fields a column of an *kind* sheet ("organisations", "offers") may be read as, for her select."""
    return [{"name": "", "label": field_label(None, lang)}] + [
        {"name": f.name, "label": field_label(f.name, lang)} for f in fields_for(kind)
    ]


def parse_corrections(data: Any) -> dict[str, dict[str, str | None]]:
    """Her corrections as sent: {sheet title: {header: field name or "" (not taken)}}. Raises UsageError."""
    if not isinstance(data, dict) or not all(
        isinstance(t, str) and isinstance(c, dict) and all(isinstance(h, str) and isinstance(f, str) for h, f in c.items())
        for t, c in data.items()
    ):
        raise UsageError(
            Text(
                "mapping muss ein JSON-Objekt {Blatt: {Überschrift: Feld}} sein",
                "mapping must be a JSON object {sheet: {header: field}}",
            )
        )
    return {title: {h: (f or None) for h, f in columns.items()} for title, columns in data.items()}


def sheet_view(
    path: Path,
    *,
    source: str,
    display: str,
    memory: MappingMemory | None,
    corrections: dict[str, dict[str, str | None]],
    lang: str,
) -> tuple[list[dict[str, Any]], dict[str, Mapping]]:
    """Each sheet's mapping for the page (JSON-ready, in *lang*) and the mappings to read the file with:
    remembered or proposed, with her *corrections*. Raises SourceError (file not readable as tables),
    UsageError (a correction names a header or field the sheet does not have)."""
    found = sheet.sheet_mappings(path, source=source, display=display, memory=memory)
    chosen: dict[str, Mapping] = {}
    views = []
    for item in found:
        mapping = item.mapping
        wanted = corrections.get(item.title, {})
        if not wanted and len(found) == 1 and len(corrections) == 1:
            wanted = next(iter(corrections.values()))  # a CSV's one table is named after the file, which she may rename
        if wanted:
            try:
                mapping = sheet.corrected(mapping, wanted)
            except KeyError as exc:
                raise UsageError(
                    Text(
                        f"Blatt „{item.title}“: Spalte oder Feld {exc} gibt es nicht",
                        f"sheet '{item.title}': no column or field {exc}",
                    )
                ) from None
        chosen[item.title] = mapping
        views.append(
            {
                "sheet": item.title,
                "kind": mapping.sheet,
                "header_row": item.header_row,
                "rows": item.rows,
                "remembered": mapping.confirmed,
                "choices": field_choices(mapping.sheet, lang),
                "columns": [
                    {
                        "header": column.header,
                        "field": column.field or "",
                        "label": field_label(column.field, lang),
                        "taken": bool(column.field) and column.field not in NOT_TAKEN,
                        "confidence": round(column.confidence, 2),
                        "evidence": [e.get(lang, e.get("en", "")) for e in column.evidence],
                        # names of persons are not echoed, not even back to her
                        "samples": item.samples[i] if i < len(item.samples) and column.field != "person" else [],
                    }
                    for i, column in enumerate(mapping.columns)
                ],
            }
        )
    return views, chosen


def read_with_mappings(
    path: Path,
    *,
    source: str,
    display: str,
    fmt: str | None,
    memory: MappingMemory | None,
    corrections: dict[str, dict[str, str | None]],
    lang: str,
) -> tuple[list[dict[str, Any]] | None, dict[str, Mapping] | None]:
    """For an import of *path*: when it is a coordinator's own sheet (CSV/XLSX in no template), its mappings
    for people and the mappings to read it with (`sheet_view`); for any other file (None, None)."""
    if (fmt or path.suffix.lower().lstrip(".")) not in ("csv", "xlsx") or not sheet.is_flat_sheet(path):
        return None, None
    return sheet_view(path, source=source, display=display, memory=memory, corrections=corrections, lang=lang)


def remember(memory: MappingMemory, source: str, mappings: dict[str, Mapping]) -> None:
    """Keep the mappings an applied import was read with, for the next file of *source*."""
    for mapping in mappings.values():
        memory.remember(source, mapping)


def problem_view(problem: Problem, lang: str) -> dict[str, Any]:
    """A located message: her file (and sheet), Excel row, her column header, the text in *lang*."""
    where = problem.location
    file, _, sheet_title = where.file.partition(" › ")
    return {
        "file": file,
        "sheet": sheet_title or None,
        "row": where.row,
        "column": where.column,
        "message": problem.text.get(lang),
        "text": problem.render(lang),
    }


def column_label(column: str | None, lang: str) -> str | None:
    """A column as she knows it: her header as it is; a template column she has no header for
    ("target_groups") as the field's name ("Zielgruppen")."""
    if not column:
        return None
    field = {**sheet.OFFER_COLUMNS, **sheet.ORG_COLUMNS}.get(column)
    return field_label(field, lang) if field in FIELD_BY_NAME else column


def _columns_named(message: str, lang: str) -> str:
    """The shapes' messages name template columns („target_groups“); she reads the field's name instead.

    >>> _columns_named("Zielgruppe fehlt (Spalte „target_groups“)", "de")
    'Zielgruppe fehlt (Spalte „Zielgruppen“)'
    """

    def named(match: re.Match[str]) -> str:
        label = column_label(match.group(2), lang)
        return match.group(1) + (label or match.group(2)) + match.group(3)

    return re.sub(r"([„'])([a-z][a-z_]*)([“'])", named, message)


def _district_names(text: str) -> str:
    """District slugs in the linker's evidence ("pankow ≠ lichtenberg") as their names.

    >>> _district_names("anderer Bezirk (pankow ≠ friedrichshain-kreuzberg)")
    'anderer Bezirk (Pankow ≠ Friedrichshain-Kreuzberg)'
    """
    return re.sub(r"\b[a-z]+(?:-[a-z]+)?\b", lambda m: DISTRICTS.get(m.group(0), m.group(0)), text)


def result_view(result: Any, lang: str) -> dict[str, Any]:
    """A SHACL result about her records like a problem: row, column, message."""
    where = result.location
    file, _, sheet_title = (where.file if where else "").partition(" › ")
    message = _columns_named(result.message(lang), lang)
    if result.value is not None:
        message += f" („{result.value}“)" if lang == "de" else f" ('{result.value}')"
    return {
        "file": file or None,
        "sheet": sheet_title or None,
        "row": where.row if where else None,
        "column": column_label(where.column if where else None, lang),
        "message": message,
        "text": result.render(lang),
    }


def outcome_view(outcome: Any, names: dict[str, str], lang: str) -> dict[str, Any]:
    """The preview by name: every record of the import with its status, and the reading's notes and
    warnings (each once, with row and header), in *lang*."""
    diff = outcome.diff
    status = {iri: "unchanged" for iri in names}
    status.update({iri: "added" for iri in diff.added})
    status.update({iri: "changed" for iri in diff.changed})
    status.update({iri: "removed" for iri in diff.removed})

    def order(iri: str) -> tuple[int, str]:
        kind = kind_of(iri)
        return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), (names.get(iri) or iri).lower())

    records = [
        {"iri": iri, "kind": kind_of(iri), "kind_label": kind_label(iri, lang), "name": names.get(iri) or iri, "status": s}
        for iri, s in sorted(status.items(), key=lambda item: order(item[0]))
    ]
    counts = {key: sum(1 for r in records if r["status"] == key) for key in ("added", "changed", "unchanged", "removed")}
    reading = getattr(outcome.parsed, "reading", None)
    notes = [problem_view(p, lang) for p in reading.notes] if reading else []
    warnings = [problem_view(p, lang) for p in reading.warnings] if reading else []
    if reading is None:
        warnings = [{"text": note, "message": note, "file": outcome.parsed.display, "row": None, "column": None, "sheet": None}
                    for note in outcome.parsed.notes]  # fmt: skip
    warnings += [result_view(w, lang) for w in outcome.report.warnings]
    return {"records": records, "counts": counts, "notes": _once(notes), "warnings": _once(warnings)}


def _once(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item["text"] not in seen:
            seen.add(item["text"])
            out.append(item)
    return out


#: the English words of the linker's evidence; what follows them (a code, a postcode, a bracket) is the
#: same in both languages
EVIDENCE_PHRASES = sorted(
    ("same name", "same abbreviation", "similar abbreviation", "abbreviation = initials", "no word in common",
     "only generic words shared", "one name contains the other", "same address", "other street", "same street, other number",
     "same street", "same postcode", "other postcode", "same district", "other district", "same web domain",
     "other web domain", "same e-mail domain"),
    key=len,
    reverse=True,
)  # fmt: skip


def one_language(evidence: str, lang: str) -> str:
    """The linker's evidence ("gleicher Bezirk / same district pankow") in one language.

    >>> one_language("gleiche PLZ / same postcode 10405; andere Website / other web domain", "de")
    'gleiche PLZ 10405; andere Website'
    >>> one_language("token_set_ratio 0.95 (ein Name enthält den anderen / one name contains the other)", "en")
    'token_set_ratio 0.95 (one name contains the other)'
    """
    parts = []
    for part in evidence.split("; "):
        german, slash, english = part.partition(" / ")
        if not slash:
            parts.append(part)
        elif lang == "en":
            opened = german.count("(") > german.count(")")
            parts.append((german[: german.rindex("(") + 1] if opened else "") + english)
        else:
            phrase = next((p for p in EVIDENCE_PHRASES if english.startswith(p)), None)
            parts.append(german + (english[len(phrase) :] if phrase else ""))
    return "; ".join(parts)


def duplicates(store: ox.Store, iris: Iris, graph: Any, lang: str, *, per_record: int = 2) -> list[dict[str, Any]]:
    """Her organisations (the import's *graph*, at the default base) beside the knowledge base's records
    they may be the same as: both sides' names, addresses, districts, websites, the score and the
    evidence in *lang*. Pairs a person already decided on are marked `decided` ("accept" or "reject")."""
    from .importing import rebased
    from .kb.ops import rejected_pairs
    from .linking.io import entities_from, our_entities, store_select
    from .linking.match import PROBABLE_FLOOR, Index
    from .terms import to_ox

    scratch = ox.Store()
    for s, p, o in rebased(graph, iris):
        scratch.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o)))  # type: ignore[arg-type]
    theirs = entities_from(store_select(scratch), iris.base, kinds=("organisation",))
    if not theirs:
        return []
    index = Index(our_entities(store, iris))
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    links = ox.NamedNode(iris.base + "graph/links")
    rejected = rejected_pairs(store, iris.base)
    found: list[dict[str, Any]] = []
    for entity in theirs:
        for candidate in index.match(entity, kinds=("organisation",), floor=PROBABLE_FLOOR)[:per_record]:
            accepted = any(store.quads_for_pattern(ox.NamedNode(candidate.ours.id), same_as, ox.NamedNode(entity.id), links))
            pair = (candidate.ours.id, entity.id)
            decided = "accept" if accepted else "reject" if pair in rejected or pair[::-1] in rejected else None
            found.append(
                {
                    "ours": candidate.ours.id,
                    "theirs": entity.id,
                    "score": round(candidate.score, 3),
                    "evidence": [_district_names(one_language(e, lang)) for e in candidate.evidence],
                    "decided": decided,
                    "sides": {side: _side(e) for side, e in (("ours", candidate.ours), ("theirs", entity))},
                }
            )
    found.sort(key=lambda d: (-d["score"], d["theirs"]))
    return found


def _side(entity: Any) -> dict[str, Any]:
    return {
        "iri": entity.id,
        "path": "/id/" + entity.id.split("/id/", 1)[1] if "/id/" in entity.id else entity.id,
        "names": entity.names,
        "addresses": [
            " ".join(x for x in (a.street, a.number) if x) + (f", {a.postcode}" if a.postcode else "") for a in entity.addresses
        ],  # fmt: skip
        "districts": [DISTRICTS.get(d, d) for d in entity.districts],
        "websites": entity.websites,
    }


def release_folder(root: Path, source: str) -> Path:
    return root / "releases" / source


def publish_source(
    settings: Settings, store: ox.Store, root: Path, source: str, lock: AbstractContextManager[Any] | None = None
) -> Path:
    """The release of *source* alone (with the terms it uses), as `migrakg publish --source SOURCE`
    writes it, into `{root}/releases/{source}/`; *lock* is held while the store is read. Raises
    UsageError for a source the store does not hold."""
    from .kb.export import export_nquads
    from .publishing.release import publish

    folder = release_folder(root, source)
    with tempfile.TemporaryDirectory(prefix="migrakg-release-") as tmp:
        data = Path(tmp) / "knowledge-base.nq"
        with lock or nullcontext():
            export_nquads(store, settings.base_iri, data, [source])
        publish(settings, folder, source_path=data)
    return folder
