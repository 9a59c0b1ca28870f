"""Real service processes for the integration tests: a private redis-server and a Celery
worker (``celery -A worker worker``), each a subprocess stopped with terminate, then kill."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.services import port_free

ROOT = Path(__file__).resolve().parents[2]


def _stop(process: subprocess.Popen | None, grace: float = 10.0) -> None:
    """Terminate ``process`` and wait; kill it if it does not exit within ``grace`` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


class RedisServer:
    """A redis-server on a loopback port, without persistence, in the foreground."""

    def __init__(self, folder: Path, port: int | None = None):
        self.port = port or port_free()
        self.folder = folder
        self.log_path = folder / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server (on the same port as before) and wait until it answers PING."""
        import redis

        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        """Stop the server (its data is gone: nothing is persisted)."""
        _stop(self.process)
        self.process = None


class CeleryWorker:
    """``python -m celery -A worker worker --pool=solo`` on one queue, as a subprocess with
    the environment of a deployment (development config, the test database, this Redis).

    ``app_module``, ``pool`` and ``extra_args`` change the command line (e.g. a prefork pool
    with an embedded beat); the worker runs in a session of its own, so that
    :meth:`kill_all` can SIGKILL it with its pool processes, as a crash would."""

    app_module = "worker"
    pool = "solo"
    extra_args: tuple[str, ...] = ()
    #: Where ``-A worker`` and the ``contest`` package are imported from (a machine's code
    #: folder in tests/storage/test_two_live_machines.py).
    cwd: Path = ROOT

    def __init__(self, folder: Path, redis_url: str, queue: str, database_url: str, env: dict):
        self.log_path = folder / f"worker-{queue}.log"
        self.queue = queue
        self.env = {
            **os.environ,
            "CONTEST_CONFIG": "development",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "MAIL_BACKEND": "file",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the worker (it connects in the background)."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                self.app_module,
                "worker",
                f"--pool={self.pool}",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                *self.extra_args,
            ],
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._group = self.process.pid
        log.close()

    def kill_all(self) -> None:
        """SIGKILL the worker and every process it started (pool processes, embedded beat)."""
        group = getattr(self, "_group", None)
        if group is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    @property
    def log(self) -> str:
        """The worker's output so far (for assertion messages)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, *needles: str, timeout: float = 10.0) -> str:
        """The log once it holds every one of ``needles``: the worker writes its "succeeded"
        line after the job's result is committed, so a test that saw the result in the
        database may read the log a moment too early."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log
            if all(needle in text for needle in needles) or time.monotonic() > deadline:
                return text
            time.sleep(0.05)

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Wait for the worker's "ready." line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log:
                return
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"the worker was not ready in {timeout} s:\n{self.log[-3000:]}")

    def stop(self) -> None:
        """Warm shutdown (SIGTERM); kill after 10 s, with whatever it left behind."""
        _stop(self.process)
        if getattr(self, "_group", None) is not None:
            self.kill_all()
            self._group = None
        self.process = None
