"""The README's first command: ``contest demo`` migrates, seeds, prints logins and serves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services import port_free

ROOT = Path(__file__).resolve().parents[1]


def _contest_command() -> list[str]:
    script = Path(sys.executable).with_name("contest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flask", "--app", "contest"]


@pytest.mark.slow
def test_contest_demo_serves_the_seeded_app(tmp_path):
    port = port_free()
    env = {
        **os.environ,
        "CONTEST_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_BACKEND": "memory",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [*_contest_command(), "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:  # noqa: S310
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "contest demo did not start serving"
        assert "Hội thi Sáng tạo Kỹ thuật" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/editions/", timeout=5) as r:  # noqa: S310
            editions = r.read().decode()
        assert "Tuyên Quang" in editions
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    for email in ("btc@demo.vn", "giamkhao1@demo.vn", "thisinh@demo.vn", "dieuphoi.yenson@demo.vn"):
        assert email in output
    assert "demo-2025!" in output
