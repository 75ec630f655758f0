"""The generator is deterministic: same seed and scale, same bytes; another seed, other hires."""

import hashlib
from pathlib import Path

import pytest

from smallfirms.generate import generate_world

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SCALE = 0.01


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "_timing.json"
    }


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("determinism")
    runs = {"a": 42, "b": 42, "c": 7}
    for name, seed in runs.items():
        generate_world(SCALE, seed, root / name, "csv", SEEDS_DIR, progress=False)
    return {name: root / name for name in runs}


def test_same_seed_gives_identical_files(worlds: dict[str, Path]):
    a, b = _digests(worlds["a"]), _digests(worlds["b"])
    assert len(a) == 10 + 1 + 4  # tables, _world.json, four truth files
    assert a == b


def test_other_seed_gives_other_hires(worlds: dict[str, Path]):
    a, c = _digests(worlds["a"]), _digests(worlds["c"])
    assert a["hire_declarations.csv"] != c["hire_declarations.csv"]


def test_parquet_is_deterministic_and_replaces_csv(tmp_path: Path):
    for name in ("p1", "p2"):
        generate_world(SCALE, 3, tmp_path / name, "parquet", SEEDS_DIR, progress=False)
    assert _digests(tmp_path / "p1") == _digests(tmp_path / "p2")
    # writing CSV over a parquet world leaves exactly one file per table
    generate_world(SCALE, 3, tmp_path / "p1", "csv", SEEDS_DIR, progress=False)
    assert not list((tmp_path / "p1").glob("*.parquet"))
    assert len(list((tmp_path / "p1").glob("*.csv"))) == 10
