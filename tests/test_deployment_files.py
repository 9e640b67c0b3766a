"""The deployment files agree with the project: one install step for CI and the image, compose wiring."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_ci_make_and_the_image_share_one_install_script() -> None:
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    ci = (ROOT / ".ci/run").read_text()
    assert makefile.count("scripts/install.sh $(VENV)") == 2 and "pip install" not in makefile
    assert re.search(r"^RUN .*scripts/install\.sh /opt/venv", dockerfile, re.M)
    assert "make test\n" in ci and "make test-postgres" in ci
    # the image contains every package the project installs
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    for pattern in packages:
        name = pattern.rstrip("*")
        assert f"COPY {name} ./{name}" in dockerfile, name
    assert "COPY bot.py" in dockerfile and "COPY scripts" in dockerfile


def test_compose_runs_postgresql_and_two_webhook_replicas_sharing_the_index_store() -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
    services = compose["services"]
    replicas = {name: s for name, s in services.items() if s.get("command") == ["webhook"]}
    assert len(replicas) == 2 and "postgres" in services
    names = {s["environment"]["IKZ_REPLICA_NAME"] for s in replicas.values()}
    assert len(names) == 2
    for service in replicas.values():
        env = service["environment"]
        assert env["IKZ_DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:" in env["IKZ_DATABASE_URL"]
        assert "TELEGRAM_WEBHOOK_SECRET" in env and env["IKZ_INDEX_STORE"] == "/index-store"
        assert "index-store:/index-store" in service["volumes"]
    data_volumes = {v for s in replicas.values() for v in s["volumes"] if v.endswith(":/data")}
    assert len(data_volumes) == 2  # each replica its own data dir
    caddy = (ROOT / "deploy/Caddyfile").read_text()
    assert all(f"{name}:8443" in caddy for name in replicas) and "/healthz" in caddy
