"""deploy/: the checks on the container image, compose file and systemd unit that can run
without a Docker engine or systemd as PID 1.

Structure is checked in Python (always); the real tools (``docker compose config``,
``systemd-analyze verify``, ``hadolint``) run when installed and skip with a reason when
not. The HEALTHCHECK command and the image's entrypoint are executed for real.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings
from bot.observability.health import HealthChecks
from bot.observability.healthcheck import health_url
from bot.telegram.webserver import WebServer

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
UNIT = DEPLOY / "digestbot.service"


def _setting_names() -> set[str]:
    return {f.alias or name.upper() for name, f in Settings.model_fields.items()}


def _env_example() -> tuple[dict[str, str], set[str]]:
    """(assigned NAME=value lines, names mentioned in commented ``# NAME=`` lines)."""
    assigned: dict[str, str] = {}
    commented: set[str] = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            assigned[m[1]] = m[2]
        elif m := re.fullmatch(r"#\s?([A-Z][A-Z0-9_]*)=.*", line):
            commented.add(m[1])
    return assigned, commented


# -- .env.example ---------------------------------------------------------------------


def test_env_example_lists_every_setting() -> None:
    assigned, commented = _env_example()
    missing = _setting_names() - set(assigned) - commented
    assert not missing, f"add to deploy/.env.example: {sorted(missing)}"


def test_env_example_holds_no_secret_values() -> None:
    assigned, _ = _env_example()
    assert assigned.get("TELEGRAM_BOT_TOKEN") == ""
    assert assigned.get("POSTGRES_PASSWORD") == ""
    assert not [k for k, v in assigned.items() if v], "ship empty values only"


def test_env_example_defaults_load(tmp_path: Path) -> None:
    """The commented defaults, uncommented, are valid settings equal to the code's defaults."""
    lines = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"#\s?([A-Z][A-Z0-9_]*)=(.+)", line)
        if m and m[1] in _setting_names() and not m[2].startswith("http"):
            lines.append(f"{m[1]}={m[2]}")
    env = tmp_path / "defaults.env"
    env.write_text("\n".join(lines) + "\n", encoding="utf-8")
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k in _setting_names()}
    try:
        from_file = Settings(_env_file=env)
        default = Settings(_env_file=None)
    finally:
        os.environ.update(saved)
    for name in (
        "send_rate",
        "tick_seconds",
        "webhook_port",
        "log_level",
        "log_format",
        "new_subscriber_start",
        "per_chat_interval",
        "webhook_listen",
    ):
        assert getattr(from_file, name) == getattr(default, name), name
    assert from_file.metrics_port == 9090


def test_dot_env_files_are_ignored_by_git_and_docker() -> None:
    assert re.search(r"(?m)^\.env$", (ROOT / ".gitignore").read_text())
    assert "**/.env" in (ROOT / ".dockerignore").read_text()


# -- Dockerfile -----------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_is_multistage_slim_and_non_root() -> None:
    ins = _instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    assert len(froms) >= 2
    base = next(rest for word, rest in ins if word == "ARG" and rest.startswith("PYTHON_IMAGE"))
    assert re.search(r"python:3\.11[.\d]*-slim", base)
    user = [rest for word, rest in ins if word == "USER"]
    assert user and user[-1].split(":")[0] not in {"0", "root"}
    # the last USER comes after the last FROM: the runtime stage runs unprivileged
    last_from = max(i for i, (w, _) in enumerate(ins) if w == "FROM")
    assert max(i for i, (w, _) in enumerate(ins) if w == "USER") > last_from


def test_dockerfile_bakes_cache_and_seeds_and_checks_them() -> None:
    ins = _instructions()
    copies = " ".join(rest for word, rest in ins if word == "COPY")
    assert "summaries" in copies and "seeds" in copies
    assert ("RUN", "digestbot build --check") in ins


def _dockerignored(rel: str) -> bool:
    """Apply .dockerignore to a path: last matching rule wins, ``!`` re-includes, a rule
    matching a directory covers what is inside, ``**/`` matches at any depth."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        pattern = rule.lstrip("!").rstrip("/")
        if pattern.startswith("**/"):
            hit = any(fnmatch.fnmatch(part, pattern[3:]) for part in parts)
        else:
            hit = any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes)
        if hit:
            ignored = not negate
    return ignored


def test_every_copied_path_exists_and_reaches_the_build_context() -> None:
    for word, rest in _instructions():
        if word != "COPY" or "--from=" in rest:
            continue
        sources = [s for s in rest.split() if not s.startswith("--")][:-1]
        for src in sources:
            assert (ROOT / src).exists(), src
            assert not _dockerignored(src), f"{src} is excluded by .dockerignore"
    for secret in (
        "deploy/.env",
        ".venv/bin/python",
        "data/digestbot.sqlite3",
        "bot/__pycache__/x.pyc",
        "tests/test_deploy.py",
    ):
        assert _dockerignored(secret), secret


def test_healthcheck_and_entrypoint_commands() -> None:
    ins = dict(_instructions())
    assert "python -m bot.observability.healthcheck" in ins["HEALTHCHECK"].replace('", "', " ")
    assert ins["ENTRYPOINT"] == '["digestbot"]'
    assert ins["CMD"] == '["run"]'


def test_entrypoint_runs_here() -> None:
    """What the image runs, run here: `digestbot run --help` from the installed package."""
    exe = Path(sys.executable).with_name("digestbot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]
    out = subprocess.run(
        [*cmd, "run", "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    assert "webhook" in out.stdout


def _tool(name: str) -> str | None:
    """A command on PATH or installed beside this interpreter (the test extra's wheels)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


@pytest.mark.skipif(_tool("hadolint") is None, reason="hadolint not installed")
def test_hadolint() -> None:
    hadolint = _tool("hadolint")
    assert hadolint is not None
    out = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


# -- the HEALTHCHECK script, for real -------------------------------------------------


class _Flag:
    ok = True

    async def db(self) -> bool:
        return self.ok


@pytest.fixture
async def health_server() -> AsyncIterator[tuple[WebServer, _Flag]]:
    flag = _Flag()
    async with WebServer(HealthChecks(lambda: True, flag.db)) as srv:
        yield srv, flag


async def _run_healthcheck(env: dict[str, str]) -> tuple[int, str]:
    import asyncio

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.observability.healthcheck",
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_healthcheck_script_exit_codes(health_server: tuple[WebServer, _Flag]) -> None:
    srv, flag = health_server
    env = {"DIGESTBOT_METRICS_PORT": str(srv.port), "DIGESTBOT_WEBHOOK_LISTEN": "0.0.0.0"}
    code, out = await _run_healthcheck(env)
    assert code == 0, out
    assert "healthy" in out
    flag.ok = False
    code, out = await _run_healthcheck(env)
    assert code == 1 and "503" in out
    srv.stop_accepting()
    await srv.stop()
    code, out = await _run_healthcheck(env)
    assert code == 1 and "unreachable" in out


def test_health_url_follows_the_settings() -> None:
    def url(**kw: Any) -> str | None:
        return health_url(Settings(_env_file=None, **kw), environ={})

    assert url(DIGESTBOT_METRICS_PORT=9090, DIGESTBOT_WEBHOOK_LISTEN="0.0.0.0") == (
        "http://127.0.0.1:9090/healthz"
    )
    assert url(DIGESTBOT_WEBHOOK_URL="https://x.example/tg", DIGESTBOT_WEBHOOK_PORT=8443) == (
        "http://127.0.0.1:8443/healthz"
    )
    assert url(DIGESTBOT_METRICS_PORT=1, DIGESTBOT_WEBHOOK_LISTEN="::1") == (
        "http://[::1]:1/healthz"
    )
    assert url() is None
    assert (
        health_url(Settings(_env_file=None), environ={"DIGESTBOT_HEALTH_URL": "http://h/x"})
        == "http://h/x"
    )


# -- compose.yaml ---------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_bot_and_postgres_with_named_volume() -> None:
    c = _compose()
    bot, db = c["services"]["bot"], c["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert any(v.startswith("pgdata:") for v in db["volumes"])
    assert "pgdata" in c["volumes"]
    assert db["healthcheck"]["test"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).resolve() == DOCKERFILE
    assert bot["env_file"] == ".env"
    assert bot["environment"]["DIGESTBOT_DATABASE_URL"].startswith("postgresql://")
    assert bot["restart"] == "unless-stopped"


def test_compose_secrets_come_from_the_env_file_only() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for name, service in _compose()["services"].items():
        env = service.get("environment", {})
        assert "TELEGRAM_BOT_TOKEN" not in env, name
        assert "DIGESTBOT_WEBHOOK_SECRET" not in env, name
    assert re.search(r"POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?", text)
    assigned, commented = _env_example()
    for var in set(re.findall(r"\$\{([A-Z_]+)", text)):
        assert var in assigned or var in commented, f"{var} missing from .env.example"


def test_compose_stops_gracefully_and_ports_are_loopback() -> None:
    bot = _compose()["services"]["bot"]
    assert bot["stop_signal"] == "SIGTERM"
    grace = int(str(bot["stop_grace_period"]).rstrip("s"))
    assert grace >= 20
    for port in bot["ports"]:
        assert port.startswith("127.0.0.1:"), port


def _interpolated_compose() -> str:
    """compose.yaml with ``${VAR:-default}`` → default and ``${VAR:?msg}`` → a value, as
    compose itself would render it with a minimal .env."""
    text = COMPOSE.read_text(encoding="utf-8")
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)
    return re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "example", text)


def test_compose_validates_against_the_compose_specification() -> None:
    """The compose-spec schema (types, enums, durations, port syntax), when installed."""
    compose_spec = pytest.importorskip("compose_spec", reason="pip install compose-spec")
    parsed = compose_spec.PyCompose.from_yaml(_interpolated_compose())
    parsed.validate()
    assert {"bot", "db"} <= set(parsed.service_names())
    with pytest.raises(ValueError):
        compose_spec.PyCompose.from_yaml(
            _interpolated_compose().replace("service_healthy", "whenever")
        )


def _docker_compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not _docker_compose_available(), reason="docker compose plugin not installed")
def test_docker_compose_config_parses(tmp_path: Path) -> None:
    work = tmp_path / "deploy"
    shutil.copytree(DEPLOY, work)
    (work / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ\n"
        "POSTGRES_PASSWORD=example\n"
    )
    out = subprocess.run(
        ["docker", "compose", "-f", str(work / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=work,
    )
    assert out.returncode == 0, out.stderr


# -- systemd unit ---------------------------------------------------------------------


def _unit() -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


def test_unit_restarts_reads_env_file_and_is_hardened() -> None:
    svc = _unit()["Service"]
    assert svc["Restart"] == ["on-failure"]
    assert svc["EnvironmentFile"] == ["/etc/digestbot/digestbot.env"]
    assert svc["ExecStart"][0].endswith("digestbot run")
    assert svc["KillSignal"] == ["SIGTERM"]
    assert svc["User"] != ["root"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "PrivateDevices": "yes",
    }.items():
        assert svc[key] == [value], key
    data_dir = next(v for v in svc["Environment"] if v.startswith("DIGESTBOT_DATA_DIR="))
    assert data_dir.split("=", 1)[1] in svc["ReadWritePaths"]
    assert _unit()["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    # ExecStart must exist on this machine for verify to pass; everything else is as shipped.
    text = re.sub(
        r"(?m)^ExecStart=.*$", f"ExecStart={shutil.which('true')}", UNIT.read_text(encoding="utf-8")
    )
    unit = tmp_path / "digestbot.service"
    unit.write_text(text, encoding="utf-8")
    out = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    problems = [ln for ln in out.stderr.splitlines() if "digestbot.service" in ln]
    assert out.returncode == 0 and not problems, out.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_security_exposure_is_low(tmp_path: Path) -> None:
    unit = tmp_path / "digestbot.service"
    unit.write_text(UNIT.read_text(encoding="utf-8"), encoding="utf-8")
    out = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    m = re.search(r"Overall exposure level for digestbot\.service: ([\d.]+)", out.stdout)
    if m is None:
        pytest.skip(f"this systemd-analyze cannot rate units offline: {out.stderr[:200]}")
    assert float(m[1]) <= 2.0, out.stdout  # 0 = fully sandboxed, 10 = not at all
