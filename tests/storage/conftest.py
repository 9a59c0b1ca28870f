"""Fixtures of the storage tests: a real S3-compatible server (moto's, from the test extras)
started as a subprocess once per test process, a private prefix of its bucket per test, and
``backend``, the same contract run against the local disk and against S3.

Outside CI the S3 half skips when moto (``moto[s3]`` and ``flask-cors``) is not installed;
under CI it fails (``tests.services.need``): both are in the ``test`` extras that ``.ci/run``
installs.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from contest.extensions import db
from contest.storage import LocalStorage
from contest.storage_s3 import S3Storage, make_client
from tests.attachments.conftest import (  # noqa: F401 - fixtures reused by these tests
    LIMITS,
    client_for,
    edition,
    entry,
    people,
    tree,
)
from tests.services import need, port_free

BUCKET = "contest-tests"
# moto accepts any credentials; real ones must never be needed (nor picked up) here.
CREDENTIALS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}
START_TIMEOUT = 30.0


def _moto_installed() -> bool:
    """True when moto's S3 server can run (moto and the Flask extension its server uses)."""
    return all(importlib.util.find_spec(m) is not None for m in ("moto", "flask_cors"))


@pytest.fixture(scope="session")
def s3_server():
    """``{"endpoint": url}`` of an S3-compatible server running in a subprocess, with the
    test bucket created; stopped at the end of the session."""
    need(_moto_installed(), "moto (the S3-compatible test server)")
    port = port_free()
    endpoint = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    started = time.monotonic()
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"the S3 test server exited: {log.read()[-2000:]!r}")
            try:
                with urllib.request.urlopen(endpoint + "/", timeout=1):  # noqa: S310 - ours
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() - started > START_TIMEOUT:
                    pytest.fail(f"the S3 test server did not answer within {START_TIMEOUT}s")
                time.sleep(0.1)
        client = make_client({"S3_ENDPOINT_URL": endpoint, **CREDENTIALS})
        client.create_bucket(Bucket=BUCKET)
        yield {"endpoint": endpoint, "client": client, "startup": time.monotonic() - started}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def s3_settings(s3_server, prefix: str | None = None, **overrides) -> dict:
    """App configuration for ``STORAGE_BACKEND=s3`` on the test server, under ``prefix``
    (a fresh one by default: tests never see each other's objects)."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_server["endpoint"],
        "S3_PREFIX": prefix or f"t-{uuid.uuid4().hex[:12]}",
        **CREDENTIALS,
        **overrides,
    }


def object_names(s3_server, prefix: str) -> list[str]:
    """Every object name of the test bucket under ``prefix``."""
    client = s3_server["client"]
    names = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        names += [item["Key"] for item in page.get("Contents", [])]
    return sorted(names)


def local_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (spooled leftovers included)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


class Backend:
    """A storage under test and a way to list everything it keeps."""

    def __init__(self, name: str, storage, kept):
        self.name, self.storage, self._kept = name, storage, kept

    def kept(self) -> list[str]:
        """Everything stored (object names or file paths), spooled leftovers included."""
        return self._kept()

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path) -> Backend:
    """The storage contract's subject: the local disk, then S3 (a fresh prefix)."""
    if request.param == "local":
        storage = LocalStorage(tmp_path / "uploads")
        return Backend("local", storage, lambda: [str(p) for p in local_files(storage.root)])
    server = request.getfixturevalue("s3_server")
    prefix = f"c-{uuid.uuid4().hex[:12]}/"
    spool = tmp_path / "spool"
    storage = S3Storage(server["client"], BUCKET, prefix=prefix, spool=spool)

    def kept() -> list[str]:
        return object_names(server, prefix) + [str(p) for p in local_files(spool)]

    return Backend("s3", storage, kept)


@pytest.fixture()
def s3_app(make_app, s3_server, tmp_path):
    """An app whose files live on the S3 test server (small attachment limits as in the
    attachment tests; downloads stream unless a test lowers the presign threshold)."""
    app = make_app(UPLOAD_DIR=str(tmp_path / "spool-a"), **LIMITS, **s3_settings(s3_server))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def app(s3_app):
    """The fixtures borrowed from the attachment tests run on the S3 app."""
    return s3_app
