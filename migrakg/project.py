"""Where things are in a migrakg project folder (data/, ontology/, vocab/, shapes/, queries/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .settings import Settings


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def vocab(self) -> Path:
        return self.root / "vocab"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @classmethod
    def from_settings(cls, settings: Settings) -> "ProjectPaths":
        paths = cls(settings.root)
        for folder in (paths.ontology, paths.vocab, paths.shapes):
            if not folder.is_dir():
                raise UsageError(f"{folder} is missing: is {settings.root} a migrakg project folder? (set MIGRAKG_ROOT)")
        return paths
