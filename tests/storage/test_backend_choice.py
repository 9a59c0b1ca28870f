"""The backend is chosen by environment variables: the local disk by default, S3 with
``STORAGE_BACKEND=s3``; a configuration that cannot work stops the app at start-up with a
clear message, before any request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contest import create_app
from contest.storage import LocalStorage, get_storage
from tests.attachments.conftest import pdf_bytes
from tests.conftest import base_config
from tests.storage.conftest import BUCKET

ROOT = Path(__file__).resolve().parents[2]


def test_the_local_disk_is_the_default(tmp_path):
    config = base_config(UPLOAD_DIR=str(tmp_path / "up"))
    config.pop("STORAGE_BACKEND", None)
    app = create_app(config)
    assert app.config["STORAGE_BACKEND"] == "local"
    with app.app_context():
        storage = get_storage()
    assert isinstance(storage, LocalStorage) and storage.root == (tmp_path / "up").resolve()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND='ftp' is unknown"),
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_PREFIX": "../x"}, "S3_PREFIX"),
    ],
)
def test_a_configuration_that_cannot_work_stops_the_app(settings, message):
    with pytest.raises(RuntimeError, match=message.replace("(", r"\(")):
        create_app(base_config(**settings))


def test_environment_variables_choose_s3(s3_server, tmp_path):
    """A process configured only through its environment (as in production: AWS_* keys,
    S3_* settings) stores a generated file in the bucket under its prefix."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    env.update(
        CONTEST_CONFIG="development",
        SECRET_KEY="env-test-secret",  # noqa: S106 - nothing written to instance/
        DATABASE_URL=f"sqlite:///{tmp_path / 'env.sqlite3'}",
        UPLOAD_DIR=str(tmp_path / "spool"),
        STORAGE_BACKEND="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_server["endpoint"],
        S3_REGION="ap-southeast-1",
        S3_PREFIX="tu-moi-truong",
        S3_PRESIGN_MIN_MB="5",
        AWS_ACCESS_KEY_ID="env-key",
        AWS_SECRET_ACCESS_KEY="env-secret",  # noqa: S106 - the test server accepts any
    )
    script = (
        "import json, sys\n"
        "from contest import create_app\n"
        "from contest.storage import get_storage\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    s = get_storage()\n"
        "    stored = s.save_bytes(sys.stdin.buffer.read(), 'reports', 'application/pdf')\n"
        "    print(json.dumps({'kind': type(s).__name__, 'key': stored.key,\n"
        "        'min': app.config['S3_PRESIGN_MIN_BYTES'],\n"
        "        'region': s.client.meta.region_name}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=pdf_bytes(),
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["kind"] == "S3Storage" and result["region"] == "ap-southeast-1"
    assert result["min"] == 5 * 1024 * 1024
    answer = s3_server["client"].get_object(Bucket=BUCKET, Key=f"tu-moi-truong/{result['key']}")
    assert answer["Body"].read() == pdf_bytes()
    assert answer["ContentType"] == "application/pdf"
