"""Example queries: queries/*.rq, each with a German and English title and description in its header.

# title@de: Mitglieder des AK Lingua Pankow
# title@en: Members of AK Lingua Pankow
# description@de: …
# description@en: …
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
_HEADER = re.compile(r"^#\s*(title|description)@(de|en):\s*(.*)$")


@dataclass(frozen=True)
class ExampleQuery:
    name: str  # file stem
    text: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    path: Path

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""


def load_examples(folder: Path) -> list[ExampleQuery]:
    """Every *.rq directly in *folder*, sorted by file name."""
    examples = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        titles: dict[str, str] = {}
        descriptions: dict[str, str] = {}
        for line in text.splitlines():
            match = _HEADER.match(line.strip())
            if match:
                kind, lang, value = match.groups()
                (titles if kind == "title" else descriptions)[lang] = value.strip()
        examples.append(ExampleQuery(path.stem, text, titles, descriptions, path))
    return examples
