"""The dbt project's vars, for the tooling that runs outside dbt (rejection table, report): the
parameters are written once, in dbt_project.yml, and read from there."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

PROJECT_FILE = Path(__file__).resolve().parents[2] / "dbt_project.yml"


@cache
def project_vars() -> dict[str, object]:
    """The `vars` block of dbt_project.yml (plain values: none of them is templated)."""
    return dict(yaml.safe_load(PROJECT_FILE.read_text(encoding="utf-8"))["vars"])
