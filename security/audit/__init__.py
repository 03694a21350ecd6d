"""The access log (in the spirit of NEN 7513): who looked at or changed whose data, when, why,
on whose behalf, through which channel and in which request.

Writes are logged automatically in the same transaction as the change (a flush listener),
whatever the path: views, API, workflows, CLI. Reads are logged by the view and API base
classes through :func:`record_read` / :func:`record_ids`; exports and other actions through
:func:`record` / :func:`audit`; logins, logouts and permission denials by request hooks
(:func:`init_app`). Events name fields, never their values.

- :mod:`.events`: who acts (:class:`Actor`, :func:`acting`) and an event's columns;
- :mod:`.models`: the three insert-only tables;
- :mod:`.writer`: the events of one transaction, written in one INSERT at its commit;
- :mod:`.hooks`: request ids, logins, logouts, denials;
- :mod:`.tree`: the RFC 6962 Merkle tree; :mod:`.checkpoints`: sealing and signed
  checkpoints; :mod:`.verify`: ``flask --app run audit verify``.

docs/access-log.md describes the design and its threat model.
"""

from security.audit.events import (ANONYMOUS, SYSTEM, Actor, acting, actor_for, current_actor,
                                   holder_of, request_id, reset_actor, role_list, set_actor)
from security.audit.hooks import init_app, log_denied, log_login
from security.audit.models import AuditCheckpoint, AuditEvent, AuditLeaf
from security.audit.tree import LEAF_COLUMNS
from security.audit.verify import Verdict, verify_chain, verify_log
from security.audit.writer import _append, audit, install, record, record_ids, record_read

__all__ = [
    "ANONYMOUS", "SYSTEM", "Actor", "AuditCheckpoint", "AuditEvent", "AuditLeaf", "LEAF_COLUMNS",
    "Verdict", "_append", "acting", "actor_for", "audit", "current_actor", "holder_of",
    "init_app", "install", "log_denied", "log_login", "record", "record_ids", "record_read",
    "request_id", "reset_actor", "role_list", "set_actor", "verify_chain", "verify_log",
]
