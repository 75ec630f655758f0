"""The console script: every subcommand reaches its module's main, unknown ones are refused."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from smallfirms import cli

SCRIPT = Path(sys.executable).parent / "smallfirms"


@pytest.mark.parametrize("name", sorted(cli.SUBCOMMANDS))
def test_every_subcommand_has_a_main(name: str):
    module = importlib.import_module(cli.SUBCOMMANDS[name][0])
    assert callable(module.main), name


def test_help_lists_the_subcommands(capsys):
    assert cli.main(["--help"]) == 0
    shown = capsys.readouterr().out
    assert all(name in shown for name in cli.SUBCOMMANDS)


def test_unknown_subcommand_is_refused(capsys):
    assert cli.main(["no-such-tool"]) == 2
    assert "unknown subcommand 'no-such-tool'" in capsys.readouterr().err


def test_installed_script_generates_a_world(tmp_path: Path):
    done = subprocess.run(
        [str(SCRIPT), "generate", "--scale", "0.002", "--seed", "3", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "hire_declarations.csv").exists()
    assert (tmp_path / "_world.json").exists()
