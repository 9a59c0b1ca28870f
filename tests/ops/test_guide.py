"""docs/operations.md and docs/ops/ (issue 19 point 2), checked where a machine can check
them: unit files parse (and ``systemd-analyze verify`` accepts them when it can run), nginx
accepts its configuration (``nginx -t``, when nginx is installed), Redis starts with its
file, PostgreSQL knows every setting, the backup script makes a verifiable backup, and every
``contest …`` command the guide names exists with the options it uses."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from tests.services import port_free

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "docs" / "ops"
GUIDE = ROOT / "docs" / "operations.md"
UNITS = ("contest-web.service", "contest-worker.service", "contest-beat.service",
         "contest-backup.service", "contest-backup.timer")  # fmt: skip


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((OPS / name).read_text())
    return parser


def test_every_file_of_docs_ops_is_named_in_the_guide():
    guide = GUIDE.read_text()
    for path in OPS.iterdir():
        assert f"ops/{path.name}" in guide, path.name


@pytest.mark.parametrize("name", UNITS)
def test_unit_files_parse_with_the_sections_systemd_needs(name):
    parsed = unit(name)
    kind = name.rsplit(".", 1)[1]
    assert parsed["Unit"]["Description"]
    if kind == "service":
        service = parsed["Service"]
        assert service["ExecStart"].startswith("/")
        assert service["User"] == "contest"
        assert service.get("EnvironmentFile") == "/etc/contest/contest.env"
    else:
        assert parsed["Timer"]["OnCalendar"] and parsed["Timer"]["Persistent"] == "true"
        assert parsed["Install"]["WantedBy"] == "timers.target"


def _exec_args(name: str) -> list[str]:
    return shlex.split(unit(name)["Service"]["ExecStart"].replace("%%", "%"))


def test_the_gunicorn_command_line_is_valid_for_gunicorn():
    from gunicorn.config import Config

    args = _exec_args("contest-web.service")
    assert Path(args[0]).name == "gunicorn"
    parsed = Config().parser().parse_args(args[1:])
    assert parsed.args == ["contest:create_app()"]
    assert parsed.workers == 4 and parsed.timeout == 120 and parsed.control_socket_disable
    # Issue 15: threads overlap the waits on PostgreSQL and Redis (bench/README.md).
    assert parsed.worker_class == "gthread" and parsed.threads == 4
    assert parsed.bind == ["127.0.0.1:8000"]


def test_every_gunicorn_line_of_the_readme_sets_a_worker_timeout():
    """Issue 11 point 9: gunicorn's default 30 s killed slow uploads; a request never
    computes for long (imports run in the worker), so the timeout covers a slow upload."""
    from gunicorn.config import Config

    lines = [
        line.split("#")[0]
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.strip().startswith("gunicorn ")
    ]
    assert lines
    for line in lines:
        parsed = Config().parser().parse_args(shlex.split(line)[1:])
        assert "--timeout" in line and 60 <= parsed.timeout <= 300, line


def _celery_options(*subcommand: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-m", "celery", *subcommand, "--help"],
        capture_output=True, text=True, cwd=ROOT, check=True, timeout=60,
    ).stdout  # fmt: skip
    return set(re.findall(r"(--[a-z][a-z-]+)", out))


@pytest.mark.parametrize("name,sub", [("contest-worker.service", "worker"),
                                      ("contest-beat.service", "beat")])  # fmt: skip
def test_celery_command_lines_use_options_celery_has(name, sub):
    args = _exec_args(name)
    assert args[1:4] == ["-A", "worker", sub]
    known = _celery_options(sub)
    used = [a.split("=", 1)[0] for a in args if a.startswith("--")]
    assert used and set(used) <= known, set(used) - known
    if sub == "worker":
        assert args[args.index("-Q") + 1] == "contest"  # CELERY_QUEUE of contest.env.example


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    # The units name /srv/contest/…; point them at this checkout so the binaries exist.
    env_file = tmp_path / "contest.env"
    env_file.write_text("CONTEST_CONFIG=production\n")
    for name in UNITS:
        text = (OPS / name).read_text()
        text = text.replace("/srv/contest/venv/bin/", f"{Path(sys.executable).parent}/")
        text = text.replace("/srv/contest/app/docs/ops/", f"{OPS}/")
        text = text.replace("/etc/contest/contest.env", str(env_file))
        text = text.replace("User=contest", "User=root").replace("Group=contest", "Group=root")
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / n) for n in UNITS)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    output = result.stdout + result.stderr
    if "System has not been booted with systemd" in output or "Failed to initialize" in output:
        pytest.skip(f"systemd-analyze cannot run here: {output.strip()[:200]}")
    assert result.returncode == 0, output
    assert not re.search(r"Unknown|Invalid|Failed|not executable|bad-setting", output), output
    # The check can fail: a misspelt key is reported.
    (tmp_path / "bad.service").write_text("[Service]\nExecStart=/bin/true\nExecStrat=/bin/x\n")
    bad = subprocess.run([analyze, "verify", str(tmp_path / "bad.service")],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "Unknown key" in bad.stdout + bad.stderr


def test_nginx_allows_the_largest_upload_the_app_accepts():
    from config import Config
    from contest.entries.attachment_views import FORM_OVERHEAD

    text = (OPS / "nginx-contest.conf").read_text()
    value = re.search(r"client_max_body_size\s+(\d+)m;", text)
    limit = int(value.group(1)) << 20
    largest = max(
        Config.ATTACHMENT_VIDEO_MAX_BYTES, Config.ATTACHMENT_ARCHIVES_MAX_BYTES,
        Config.ATTACHMENT_DOCUMENTS_MAX_BYTES, Config.MAX_CONTENT_LENGTH,
        Config.ATTACHMENT_IMAGES_MAX_BYTES * Config.ATTACHMENT_MAX_PHOTOS,
    ) + FORM_OVERHEAD  # fmt: skip
    assert largest <= limit <= largest + (8 << 20)
    for needle in ("ssl_certificate ", "X-Forwarded-For", "X-Forwarded-Proto",
                   "location = /metrics", "deny all", "proxy_pass http://contest_web"):  # fmt: skip
        assert needle in text


def test_nginx_accepts_its_configuration(tmp_path):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("nginx not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=contest.example.vn", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    site = (OPS / "nginx-contest.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/contest.example.vn/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/contest.example.vn/privkey.pem", str(key))
    site = site.replace("/var/lib/nginx/body", str(tmp_path / "body"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"error_log {tmp_path}/logs/error.log;\npid {tmp_path}/nginx.pid;\n"
        "events {}\nhttp {\n"
        f"  access_log {tmp_path}/logs/access.log;\n"
        f"  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_redis_starts_with_its_file_and_keeps_an_append_only_file(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server not installed")
    import redis

    port = port_free()
    process = subprocess.Popen(
        [server, str(OPS / "redis-contest.conf"), "--port", str(port), "--dir", str(tmp_path),
         "--daemonize", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(process.stdout.read().decode(errors="replace")[-2000:])
                time.sleep(0.1)

        def setting(name: str) -> str:
            value = client.config_get(name)[name]
            return value.decode() if isinstance(value, bytes) else value

        assert setting("appendonly") == "yes"
        assert setting("appendfsync") == "everysec"
        assert setting("maxmemory-policy") == "noeviction"
        client.lpush("contest", "a queued job")
        time.sleep(1.2)  # everysec
        assert any(p.name.startswith("appendonly") for p in tmp_path.iterdir())
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_postgresql_knows_every_setting_of_the_file(app):
    from sqlalchemy import text

    from contest.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    settings = {}
    for line in (OPS / "postgresql-contest.conf").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip().strip("'")
    known = set(db.session.scalars(text("SELECT name FROM pg_settings")))
    assert set(settings) <= known, set(settings) - known
    assert settings["autovacuum"] == "on"
    # Values of the right unit and range: the server parses them for a session where it can.
    for name, value in settings.items():
        context = db.session.scalar(text("SELECT context FROM pg_settings WHERE name = :n"),
                                    {"n": name})  # fmt: skip
        if context in ("user", "superuser"):
            db.session.execute(text("SELECT set_config(:n, :v, true)"), {"n": name, "v": value})
    db.session.rollback()


def _guide_commands() -> list[list[str]]:
    """Every ``contest …`` command line in the guide's shell blocks."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", GUIDE.read_text(), re.S):
        for line in block.splitlines():
            pattern = r"(?:^\s*|/bin/|&&\s+|;\s+)contest\s+([a-z][^;&|'#\n]*)"
            for match in re.finditer(pattern, line):
                words = shlex.split(match.group(1).split("$(")[0])
                if words:
                    found.append(words)
    return found


def test_every_contest_command_of_the_guide_exists_with_its_options(app):
    from flask.cli import ScriptInfo

    from contest.cli import main

    commands = _guide_commands()
    paths = set()
    for words in commands:
        command: click.Command = main
        context = click.Context(main, obj=ScriptInfo(create_app=lambda: app))
        path = []
        for word in words:
            if isinstance(command, click.Group) and not word.startswith("-"):
                sub = command.get_command(context, word)
                if sub is not None:
                    command, path = sub, [*path, word]
                    continue
            break
        assert path and not isinstance(command, click.Group), words
        paths.add(" ".join(path))
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        for word in words:
            if word.startswith("--"):
                assert word.split("=")[0] in options, (path, word)
    assert {"backup", "restore", "db upgrade", "db current", "jobs selfcheck"} <= paths


@pytest.mark.slow
def test_the_backup_script_makes_a_verified_backup_and_keeps_the_newest(tmp_path):
    """contest-backup.sh with the real ``contest`` command on a throw-away SQLite
    installation: two runs with KEEP_DAILY=1 leave one verified backup."""
    env = {
        **os.environ,
        "CONTEST_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "BACKUP_ROOT": str(tmp_path / "backups"),
        "KEEP_DAILY": "1",
        "CONTEST": str(Path(sys.executable).parent / "contest"),
    }
    env.pop("REDIS_URL", None)
    contest = env["CONTEST"]
    subprocess.run([contest, "db", "upgrade"], env=env, check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    for _ in range(2):
        result = subprocess.run([str(OPS / "contest-backup.sh")], env=env, capture_output=True,
                                text=True, timeout=120)  # fmt: skip
        assert result.returncode == 0, result.stderr
        time.sleep(1.1)  # the folders are named by the second
    (tmp_path / "backups" / "contest-unfinished").mkdir()
    result = subprocess.run([str(OPS / "contest-backup.sh")], env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Bản sao lưu hợp lệ" in result.stdout
    left = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(left) == 1 and (tmp_path / "backups" / left[0] / "manifest.json").is_file()
