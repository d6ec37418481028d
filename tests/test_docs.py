"""The README documents every command and every setting."""

from __future__ import annotations

import click
import pytest

from crosswire.cli import main
from crosswire.config import SETTINGS

from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _paths(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _paths(cmd, (*prefix, name))
        else:
            yield " ".join((*prefix, name))


@pytest.mark.parametrize("command", sorted(_paths(main)))
def test_docs_readme_mentions_every_command(command):
    assert f"crosswire {command}" in README


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_docs_every_setting_has_help(setting):
    s = next(x for x in SETTINGS if x.name == setting)
    assert len(s.help) > 20
