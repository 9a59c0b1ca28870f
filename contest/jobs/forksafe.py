"""No database connection is ever shared between processes.

A forked process (a Celery pool process, the embedded beat, anything using ``os.fork``)
inherits its parent's pooled connections: two processes writing on one socket corrupt each
other's sessions. Two guards:

* every pool connection remembers the process that opened it; checked out in another
  process it is dropped (never closed: the socket is the parent's) and a new one is opened
  (SQLAlchemy's documented recipe for ``os.fork``);
* each Celery pool process disposes of the app's engines when it starts
  (:func:`dispose_engines`, ``worker_process_init``), without closing the parent's sockets.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

from ..extensions import db


@event.listens_for(Pool, "connect")
def _remember_process(dbapi_connection, connection_record) -> None:
    connection_record.info["pid"] = os.getpid()


@event.listens_for(Pool, "checkout")
def _refuse_foreign_connection(dbapi_connection, connection_record, connection_proxy) -> None:
    owner = connection_record.info.get("pid")
    if owner is not None and owner != os.getpid():
        # Forget the parent's connection without closing it, and let the pool open another.
        connection_record.dbapi_connection = connection_proxy.dbapi_connection = None
        raise exc.DisconnectionError(
            f"connection opened by process {owner}, checked out in process {os.getpid()}"
        )


def dispose_engines(app: Flask, close: bool = False) -> int:
    """Replace the pools of ``app``'s engines. In a forked process (``close=False``) their
    connections are dropped unclosed: they belong to the parent. Returns how many engines."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        engine.dispose(close=close)
    return len(engines)
