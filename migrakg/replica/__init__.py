"""The read replica: a Virtuoso instance of migrakg's own that follows the knowledge base's change log.

Core only: no HTTP, no command line. `Instance` (virtuoso.py) starts, stops and loads one Virtuoso on
127.0.0.1; `Follower` (follow.py) applies each committed change after the replica's position. Queries
reach the replica through migrakg's front only (`migrakg serve --replica DIR`, sparql/remote.py).
"""

from .follow import Follower
from .virtuoso import Instance, ReplicaError, Settings

__all__ = ["Follower", "Instance", "ReplicaError", "Settings"]
