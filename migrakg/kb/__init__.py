"""One living knowledge base: the on-disk store, its one write path, the change log, tokens, backup.

Core only: no HTTP, no command line. `KnowledgeBase` (base.py) is the store folder opened for writing;
`connect` (local.py) gives it, or the server that has it open. Every change is a `Proposal` committed by
`KnowledgeBase.commit` (checks.py, log.py, delta.py).
"""

from .base import KnowledgeBase, Proposal, StoreBusy
from .checks import Writer
from .local import Remote, connect

__all__ = ["KnowledgeBase", "Proposal", "Remote", "StoreBusy", "Writer", "connect"]
