"""One Virtuoso instance of migrakg's own: a folder, two ports on 127.0.0.1, a password of its own.

    {folder}/replica.json   ports, password (0600), the server's process id
    {folder}/virtuoso.ini   filled in from virtuoso.ini.in beside this module
    {folder}/db/            the database (delete the folder and the replica starts from scratch)
    {folder}/load/          the only folder the server may read files from (the bulk loader's input)

The instance is driven through `isql-vt` (SQL, SPARQL updates, the bulk loader, the replica's position in
Virtuoso's registry); queries reach it over HTTP at `endpoint`, and only through migrakg's front.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import MigrakgError, Text
from ..kb.delta import Delta
from ..kb.log import write_file_durably

TEMPLATE = Path(__file__).with_name("virtuoso.ini.in")
CONFIG = "replica.json"
POSITION_KEY = "migrakg_replica_applied"
CHUNK = 500  # quads per SPARQL update statement (Virtuoso's transaction log has a size limit)

# graphs of Virtuoso's own (its mapping metadata and examples): kept out of every answer through the
# front, so that the union of the graphs is the union of migrakg's graphs, as on the embedded store
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
#: where the default graph's triples live in Virtuoso (see docs/replica.md: differences)
DEFAULT_GRAPH = ox.NamedNode("urn:x-migrakg:default-graph")
PRIVATE_GROUP = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"


class ReplicaError(MigrakgError):
    status = 503


def programs() -> tuple[str, str]:
    """The paths of `virtuoso-t` and `isql-vt` (installed by scripts/install-virtuoso.sh)."""
    server = shutil.which("virtuoso-t")
    client = shutil.which("isql-vt") or shutil.which("isql")
    if not server or not client:
        raise ReplicaError(
            Text(
                "Virtuoso ist nicht installiert (virtuoso-t, isql-vt); bitte scripts/install-virtuoso.sh ausführen",
                "Virtuoso is not installed (virtuoso-t, isql-vt); run scripts/install-virtuoso.sh",
            )
        )
    return server, client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Settings:
    """What goes into the ini: modest defaults for a machine shared with others."""

    buffers: int = 65_000  # 8 KB pages: ~0.5 GB
    query_mem: str = "500M"
    max_rows: int = 1_000_000
    max_seconds: int = 60

    @classmethod
    def sized(cls, memory_mb: int) -> Settings:
        """About *memory_mb* MB of page cache (Virtuoso's own advice: 2/3 of what it may use)."""
        return cls(buffers=max(2000, memory_mb * 1024 // 8), query_mem=f"{max(100, memory_mb // 2)}M")


@dataclass
class Instance:
    folder: Path
    sql_port: int
    http_port: int
    password: str
    pid: int | None = None
    prepared: bool = False  # password set, Virtuoso's own graphs made private

    # -- making and opening -----------------------------------------------------------------------
    @classmethod
    def create(cls, folder: Path | str, settings: Settings | None = None, *, sql_port: int = 0, http_port: int = 0) -> Instance:
        """A new instance folder (an existing one is opened as it is)."""
        folder = Path(folder).resolve()
        if (folder / CONFIG).exists():
            return cls.open(folder)
        settings = settings or Settings()
        for sub in ("db", "load", "vsp"):
            (folder / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        instance = cls(folder, sql_port or free_port(), http_port or free_port(), secrets.token_hex(16))
        ini = TEMPLATE.read_text(encoding="utf-8").format(
            dir=folder,
            sql_port=instance.sql_port,
            http_port=instance.http_port,
            buffers=settings.buffers,
            dirty_buffers=settings.buffers * 3 // 4,
            query_mem=settings.query_mem,
            max_rows=settings.max_rows,
            max_seconds=settings.max_seconds,
        )
        (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
        instance.save()
        return instance

    @classmethod
    def open(cls, folder: Path | str) -> Instance:
        folder = Path(folder).resolve()
        try:
            data = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ReplicaError(
                Text(
                    f"{folder} ist kein Replikat-Ordner (keine {CONFIG}); mit `migrakg replica start --dir {folder}` anlegen",
                    f"{folder} is no replica folder (no {CONFIG}); make one with `migrakg replica start --dir {folder}`",
                )
            ) from None
        return cls(
            folder, int(data["sql_port"]), int(data["http_port"]), data["password"], data.get("pid"), data.get("prepared", False)
        )

    def save(self) -> None:
        data = {k: v for k, v in asdict(self).items() if k != "folder"}
        write_file_durably(self.folder / CONFIG, (json.dumps(data, indent=1) + "\n").encode("utf-8"), 0o600)

    @property
    def endpoint(self) -> str:
        """Virtuoso's own SPARQL endpoint (127.0.0.1 only; reached through migrakg's front)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    # -- running ----------------------------------------------------------------------------------
    def running(self) -> bool:
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        try:  # the process id may have been reused
            return "virtuoso" in Path(f"/proc/{self.pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            return True

    def start(self, wait: float = 120.0) -> None:
        """Start the server (no-op when it runs) and wait until it answers; the first time, set its
        password and make Virtuoso's own graphs private."""
        server, _ = programs()
        if not self.running():
            log = open(self.folder / "db" / "server.out", "ab")  # handed to the child
            try:
                process = subprocess.Popen(
                    [server, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                    cwd=self.folder / "db",
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            finally:
                log.close()
            self.pid = process.pid
            self.save()
        deadline = time.monotonic() + wait
        password = self.password if self.prepared else "dba"
        while True:
            try:
                self.sql("select 1;", password=password, timeout=10)
                break
            except ReplicaError:
                if time.monotonic() >= deadline or not self.running():
                    raise ReplicaError(
                        Text(
                            f"Virtuoso in {self.folder} startet nicht; siehe {self.folder}/db/virtuoso.log",
                            f"Virtuoso in {self.folder} does not start; see {self.folder}/db/virtuoso.log",
                        )
                    ) from None
                time.sleep(0.3)
        if not self.prepared:
            self.prepare()

    def prepare(self) -> None:
        statements = [f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE_GROUP}', 1);"]
        statements += [f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE_GROUP}', '{g}');" for g in SYSTEM_GRAPHS]
        statements += [
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",  # private graphs: not for the endpoint
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);",  # every other graph: read only
            f"USER_SET_PASSWORD ('dba', '{self.password}');",
        ]
        self.sql("\n".join(statements), password="dba")
        self.prepared = True
        self.save()

    def stop(self, wait: float = 60.0) -> None:
        """Shut the server down (a checkpoint first); killed if it has not ended after *wait* s."""
        if not self.running():
            return
        assert self.pid is not None
        try:
            self.sql("shutdown;", timeout=wait)
        except ReplicaError:
            pass
        deadline = time.monotonic() + wait
        while self.running() and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.2)
        if self.running():
            os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.2)
            self._reap()
        self.pid = None
        self.save()

    def _reap(self) -> None:
        if self.pid is None:
            return
        try:
            os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            pass

    # -- talking to it ----------------------------------------------------------------------------
    def sql(self, script: str, *, password: str | None = None, timeout: float = 600) -> str:
        """Run SQL statements (each ending with `;`) through isql; their output. Raises ReplicaError
        with Virtuoso's message when one fails."""
        _, client = programs()
        command = [
            client,
            f"127.0.0.1:{self.sql_port}",
            "dba",
            password or self.password,
            "VERBOSE=OFF",
            "BANNER=OFF",
            "PROMPT=OFF",
            "ECHO=OFF",
            "MACRO_SUBSTITUTION=OFF",  # `$…` in a literal stays as it is
        ]
        try:
            done = subprocess.run(command, input=script.encode("utf-8"), capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ReplicaError(
                Text(f"Virtuoso antwortet nicht in {timeout:g} s", f"Virtuoso did not answer within {timeout:g} s")
            ) from None
        error = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode != 0 or "*** Error" in error:
            detail = " ".join(error.splitlines()[:3])[:600] if error else f"isql exit {done.returncode}"
            raise ReplicaError(Text(f"Virtuoso: {detail}", f"Virtuoso: {detail}"))
        return done.stdout.decode("utf-8", "replace")

    def position(self, log_id: str = "") -> int:
        """The last change of the log *log_id* the replica holds (0: none, or it holds another log's)."""
        held, seq, _ = self.record()
        return seq if held == log_id else 0

    def record(self) -> tuple[str, int, str]:
        """(the log the replica follows, its last change there, that change's line checksum), kept in
        Virtuoso's registry."""
        out = self.sql(f"select coalesce(registry_get('{POSITION_KEY}'), ':0:');").strip()
        parts = (out.splitlines()[-1].strip() if out else ":0:").split(":")
        try:
            return parts[0], int(parts[1] or 0), parts[2] if len(parts) > 2 else ""
        except (ValueError, IndexError):
            return "", 0, ""

    def apply(self, delta: Delta, seq: int, log_id: str = "", mark: str = "") -> None:
        """Apply one change (removals, then additions, in statements of CHUNK quads), then record *seq*
        as the position. Not one transaction: a crash in between leaves the position before *seq*, and
        applying a change again is harmless (see kb/delta.py)."""
        script = [update_statement(Delta(set(), set(chunk))) for chunk in chunks(sorted(delta.remove, key=str))]
        script += [update_statement(Delta(set(chunk), set())) for chunk in chunks(sorted(delta.add, key=str))]
        script.append(record_statement(log_id, seq, mark))
        self.sql("\n".join(script))

    def bulk_load(self, nquads: bytes, seq: int, log_id: str = "", mark: str = "") -> None:
        """Replace everything with *nquads* (the store as of change *seq*) by Virtuoso's bulk loader."""
        load = self.folder / "load"
        for old in load.glob("*.nq"):
            old.unlink()
        path = load / "snapshot.nq"
        path.write_bytes(nquads)
        graphs = self.sql("SPARQL SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } };")
        clear = [
            f"SPARQL CLEAR GRAPH <{g.strip()}>;"
            for g in graphs.splitlines()
            if g.strip() and g.strip() not in SYSTEM_GRAPHS and not g.strip().startswith("http://www.openlinksw.com/")
        ]
        try:
            self.sql(
                "\n".join(
                    [
                        *clear,
                        "delete from DB.DBA.LOAD_LIST;",
                        *(
                            [f"ld_dir('{load}', 'snapshot.nq', '{DEFAULT_GRAPH.value}');", "rdf_loader_run();"]
                            if nquads.strip()
                            else []
                        ),
                        "checkpoint;",
                    ]
                )
            )
            failed = self.sql("select count(*) from DB.DBA.LOAD_LIST where ll_error is not null;").strip().splitlines()
            if failed and failed[-1].strip() not in ("", "0"):
                detail = self.sql("select ll_error from DB.DBA.LOAD_LIST where ll_error is not null;").strip()[:500]
                raise ReplicaError(Text(f"Massenladen fehlgeschlagen: {detail}", f"bulk load failed: {detail}"))
            self.sql(record_statement(log_id, seq, mark) + "\ncheckpoint;")
        finally:
            path.unlink(missing_ok=True)


def update_statement(delta: Delta) -> str:
    """One SPARQL update as an isql statement (the N-Quads form keeps every line free of a trailing `;`).
    Virtuoso keeps every triple in a named graph: the default graph's go to DEFAULT_GRAPH."""
    return "SPARQL " + Delta(named(delta.add), named(delta.remove)).update_text() + "\n;"


def named(quads: set[ox.Quad]) -> set[ox.Quad]:
    return {
        ox.Quad(q.subject, q.predicate, q.object, DEFAULT_GRAPH) if isinstance(q.graph_name, ox.DefaultGraph) else q
        for q in quads
    }


def record_statement(log_id: str, seq: int, mark: str = "") -> str:
    """The replica's position: which log (*log_id*), which change (*seq*) and that change's line (*mark*):
    a log that was restored to an earlier point and went on differently no longer matches it."""
    if not all(c in "0123456789abcdef" for c in log_id + mark):
        raise ValueError(log_id + mark)
    return f"registry_set('{POSITION_KEY}', '{log_id}:{int(seq)}:{mark}');"


def chunks(quads: list[ox.Quad]) -> Iterable[list[ox.Quad]]:
    for start in range(0, len(quads), CHUNK):
        yield quads[start : start + CHUNK]
