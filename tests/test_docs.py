"""The README stays true: its commands, CLI tour and HTTP routes match the code."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from api.app import create_app
from kg.cli import app as cli_app
from kg.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_setup_commands_and_make_has_them() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_documented_and_every_documented_one_exists() -> None:
    commands = set(typer.main.get_command(cli_app).commands)
    documented = set(re.findall(r"^claimgraph ([a-z-]+)", README, re.M))
    assert documented == commands


def test_every_documented_route_exists() -> None:
    schema = create_app(Settings(store=str(ROOT / "never-opened"))).openapi()
    routes = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops}
    routes.add(("GET", "/openapi.json"))
    documented = re.findall(r"^\| `([A-Z/ ]+) (/[^`]*)`", README, re.M)
    assert documented
    for methods, path in documented:
        for method in methods.split("/"):
            assert (method.strip(), path) in routes, (method, path)
