"""Settings, declared once: name, type, default, environment variable, help.

The CLI options, the environment and the docs (docs/settings.md is checked against this table by a
test) all come from SETTINGS. Unsafe values are refused when the Settings object is made.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import UsageError
from .namespaces import DEFAULT_BASE, Iris


def _is_project(folder: Path) -> bool:
    return (folder / "ontology").is_dir() and (folder / "shapes").is_dir()


def _project_root() -> Path:
    """The current folder if it is a migrakg project folder, else the checkout the package lives in (a
    source checkout or an editable install); an installed package has none, so then the current folder."""
    cwd = Path.cwd()
    if _is_project(cwd):
        return cwd
    checkout = Path(__file__).resolve().parent.parent
    return checkout if _is_project(checkout) else cwd


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Make with `Settings.from_env(**overrides)`."""

    base_iri: str = field(
        default=DEFAULT_BASE, metadata={"env": "MIGRAKG_BASE_IRI", "help": "base of every IRI (`{base}id/{kind}/{slug}`)"}
    )
    root: Path = field(
        default_factory=_project_root,
        metadata={"env": "MIGRAKG_ROOT", "help": "project folder holding data/, ontology/, vocab/, shapes/, queries/"},
    )
    build_dir: Path | None = field(
        default=None,
        metadata={"env": "MIGRAKG_BUILD", "help": "where `build` writes and `serve` reads the dataset (default: ROOT/build)"},
    )
    query_timeout: float = field(
        default=10.0, metadata={"env": "MIGRAKG_QUERY_TIMEOUT", "help": "seconds a SPARQL query may run before it is stopped"}
    )
    result_limit: int = field(
        default=100_000,
        metadata={
            "env": "MIGRAKG_RESULT_LIMIT",
            "help": "most rows (or triples) one query may return where rows are built one by one (graph results, pages, CLI)",
        },
    )
    result_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata={
            "env": "MIGRAKG_RESULT_BYTES",
            "help": "largest serialised SELECT/ASK answer in bytes (the engine's own serialiser stops there)",
        },
    )
    service_allow: tuple[str, ...] = field(
        default=(),
        metadata={
            "env": "MIGRAKG_SERVICE_ALLOW",
            "help": "SPARQL endpoints a SERVICE clause may reach, space-separated (empty: none)",
        },
    )
    store: Path | None = field(
        default=None,
        metadata={
            "env": "MIGRAKG_STORE",
            "help": "the knowledge base: on-disk store folder that `make run` serves and commands write to (default: ROOT/var/kb)",
        },
    )
    update_limit: int = field(
        default=1024 * 1024,
        metadata={"env": "MIGRAKG_UPDATE_LIMIT", "help": "largest SPARQL Update or link decision body in bytes (POST /update)"},
    )
    public_url: str | None = field(
        default=None,
        metadata={
            "env": "MIGRAKG_PUBLIC_URL",
            "help": "address the server is reached at, for links in the catalogue and the service description",
        },
    )
    sparql_workers: int = field(
        default=2,
        metadata={
            "env": "MIGRAKG_SPARQL_WORKERS",
            "help": "query workers for /sparql alone; pages, search and reconcile have workers of their own and never wait behind them",
        },
    )
    sparql_queue: int = field(
        default=8,
        metadata={
            "env": "MIGRAKG_SPARQL_QUEUE",
            "help": "/sparql queries that may wait for a worker; one more is answered 503 with Retry-After at once",
        },
    )
    sparql_per_client: int = field(
        default=2,
        metadata={
            "env": "MIGRAKG_SPARQL_PER_CLIENT",
            "help": "/sparql queries one client address may have running or waiting; one more is answered 429 with Retry-After",
        },
    )
    body_limit: int = field(
        default=1024 * 1024,
        metadata={
            "env": "MIGRAKG_BODY_LIMIT",
            "help": "largest request body (and query string) in bytes on every route except /import; larger: 413 (414) before anything is read",
        },
    )
    upload_limit: int = field(
        default=32 * 1024 * 1024,
        metadata={"env": "MIGRAKG_UPLOAD_LIMIT", "help": "largest file upload to POST /import in bytes; larger: 413"},
    )
    max_nesting: int = field(
        default=64,
        metadata={
            "env": "MIGRAKG_MAX_NESTING",
            "help": "deepest nesting of brackets in a SPARQL query or a JSON request (reconcile); deeper: 400 before parsing",
        },
    )
    trusted_hosts: tuple[str, ...] = field(
        default=("127.0.0.1", "localhost", "::1"),
        metadata={
            "env": "MIGRAKG_TRUSTED_HOSTS",
            "help": "host names whose Host header may make absolute URLs when no public URL is set, space-separated; any other Host gets the listening address",
        },
    )
    forwarded_allow: tuple[str, ...] = field(
        default=("127.0.0.1", "::1"),
        metadata={
            "env": "MIGRAKG_FORWARDED_ALLOW",
            "help": "addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto name the client (per-client limits and login backoff count the real client), space-separated; empty: trust no proxy",
        },
    )
    lang: str = field(default="", metadata={"env": "MIGRAKG_LANG", "help": "language of messages: de or en (default: from LANG)"})
    feedback_contact: str = field(
        default="",
        metadata={
            "env": "MIGRAKG_FEEDBACK_CONTACT",
            "help": "where people report barriers and ask for content in an accessible form: a `mailto:` or `https:` "
            "address of the operator (an office, never a private person); unset: the form on /barrierefreiheit "
            "keeps the messages in BUILD/feedback/",
        },
    )
    reload_interval: float = field(
        default=2.0,
        metadata={
            "env": "MIGRAKG_RELOAD_INTERVAL",
            "help": "seconds between checks for a rebuilt dataset to swap in while serving",
        },
    )

    def __post_init__(self) -> None:
        try:
            Iris(self.base_iri)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if not 0 < self.query_timeout <= 3600:
            raise UsageError(f"query timeout {self.query_timeout} s must be between 0 and 3600 seconds")
        if not 0 < self.result_limit <= 10_000_000:
            raise UsageError(f"result limit {self.result_limit} must be between 1 and 10,000,000")
        if not 1024 <= self.result_bytes <= 16 * 1024**3:
            raise UsageError(f"result size limit {self.result_bytes} bytes must be between 1 KiB and 16 GiB")
        for url in self.service_allow:
            if not url.startswith(("http://", "https://")):
                raise UsageError(f"SERVICE allow-list entry {url!r} is not an http(s) address")
        if not 1024 <= self.update_limit <= 1024**3:
            raise UsageError("update and upload limits must be between 1 KiB and 1 GiB")
        if not 0.1 <= self.reload_interval <= 3600:
            raise UsageError(f"reload interval {self.reload_interval} must be between 0.1 and 3600 seconds")
        if self.feedback_contact and not self.feedback_contact.startswith(("mailto:", "https://", "http://")):
            raise UsageError(f"feedback contact {self.feedback_contact!r} must be a mailto: or http(s): address")
        if not 1 <= self.sparql_workers <= 64:
            raise UsageError(f"SPARQL workers {self.sparql_workers} must be between 1 and 64")
        if not 0 <= self.sparql_queue <= 10_000:
            raise UsageError(f"SPARQL queue {self.sparql_queue} must be between 0 and 10,000")
        if not 1 <= self.sparql_per_client <= 10_000:
            raise UsageError(f"SPARQL queries per client {self.sparql_per_client} must be between 1 and 10,000")
        if not 1024 <= self.body_limit <= 1024**3:
            raise UsageError(f"body limit {self.body_limit} bytes must be between 1 KiB and 1 GiB")
        if not 1024 <= self.upload_limit <= 16 * 1024**3:
            raise UsageError(f"upload limit {self.upload_limit} bytes must be between 1 KiB and 16 GiB")
        if not 8 <= self.max_nesting <= 10_000:
            raise UsageError(f"nesting limit {self.max_nesting} must be between 8 and 10,000")
        if self.lang not in ("", "de", "en"):
            raise UsageError(f"language {self.lang!r} must be 'de' or 'en'")

    @property
    def iris(self) -> Iris:
        return Iris(self.base_iri)

    @property
    def build_path(self) -> Path:
        return self.build_dir or self.root / "build"

    @property
    def store_path(self) -> Path:
        """The knowledge base folder (`store`, else ROOT/var/kb)."""
        return self.store or self.root / "var" / "kb"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from the environment, then *overrides* (None values are ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _convert(name: str, raw: str) -> object:
    try:
        if name in ("root", "build_dir", "store"):
            return Path(raw)
        if name in ("query_timeout", "reload_interval"):
            return float(raw)
        if name in (
            "result_limit",
            "result_bytes",
            "sparql_workers",
            "sparql_queue",
            "sparql_per_client",
            "body_limit",
            "upload_limit",
            "update_limit",
            "max_nesting",
        ):
            return int(raw)
        if name in ("service_allow", "trusted_hosts", "forwarded_allow"):
            return tuple(raw.split())
    except ValueError:
        raise UsageError(f"setting {name}: {raw!r} is not a valid value") from None
    return raw


def settings_table() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) for docs and --help."""
    rows = []
    for f in fields(Settings):
        default = "(project folder)" if f.name == "root" else repr(f.default) if f.default is not None else "unset"
        rows.append((f.name, f.metadata["env"], default, f.metadata["help"]))
    return rows


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
    def from_settings(cls, settings: Settings) -> ProjectPaths:
        paths = cls(settings.root)
        for folder in (paths.ontology, paths.vocab, paths.shapes):
            if not folder.is_dir():
                raise UsageError(f"{folder} is missing: is {settings.root} a migrakg project folder? (set MIGRAKG_ROOT)")
        return paths
