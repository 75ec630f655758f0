"""The benchmark on a tiny world: the structure and consistency of its JSON, never its times."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from worlds import dying_or_gone

from smallfirms import bench

SCALE = 0.02
# Few replications: the statistics' results are not what this test reads.
VARS = json.dumps({"bootstrap_reps": 99, "design_bootstrap_reps": 19})


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, Path]:
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench.json"
    argv = ["--scales", str(SCALE), "--work", str(work / "w"), "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "smallfirms.bench", *argv, "--dbt-vars", VARS, "--keep"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return json.loads(out.read_text(encoding="utf-8")), done.stdout, work / "w" / f"scale_{SCALE:g}"


def _csv_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def test_raw_rows_and_generation_speed_agree(report: tuple[dict, str, Path]) -> None:
    data, _, world = report
    (scale,) = data["scales"]
    assert scale["scale"] == SCALE
    files = {p.stem: _csv_rows(p) for p in (world / "raw").glob("*.csv")}
    # the held-back day came back as a delivery file of the folder
    (delivery,) = (world / "raw" / bench.DELIVERY_FOLDER).glob("*.csv")
    assert delivery.name == f"{scale['incremental']['delivered_day']}.csv"
    files["hire_declarations"] += _csv_rows(delivery)
    assert scale["raw_rows"] == files
    assert scale["raw_rows_total"] == sum(files.values())
    gen = scale["generation"]
    assert gen["rows_per_second"] == pytest.approx(scale["raw_rows_total"] / gen["seconds"], 0.01)


def test_build_figures_are_consistent(report: tuple[dict, str, Path]) -> None:
    build = report[0]["scales"][0]["build"]
    assert build["failed_nodes"] == []
    assert build["peak_rss_bytes"] > 50 * 1024**2  # dbt alone holds more than this
    slow = build["slowest_models"]
    assert len(slow) == 5
    assert [m["seconds"] for m in slow] == sorted((m["seconds"] for m in slow), reverse=True)
    python = build["python_models"]
    assert "int_effects_estimated" in python["models"]
    assert python["seconds"] == pytest.approx(sum(python["models"].values()), abs=0.05)
    assert python["share_of_node_time"] == pytest.approx(
        python["seconds"] / python["node_seconds"], abs=0.001
    )
    assert 0 < build["fact_seconds"] <= python["node_seconds"]


def test_incremental_run_loads_the_day_and_loses_nothing(report: tuple[dict, str, Path]) -> None:
    scale = report[0]["scales"][0]
    inc = scale["incremental"]
    assert inc["delivered_rows"] > 0
    assert inc["fact_rows_after"] == scale["raw_rows"]["hire_declarations"]
    assert inc["ratio_to_full_build"] == pytest.approx(
        inc["seconds"] / scale["build"]["seconds"], abs=0.001
    )
    assert inc["fact_seconds"] > 0


def test_floor_counts_the_hires_the_warehouse_counts(report: tuple[dict, str, Path]) -> None:
    """The floor query does the warehouse's core work, not less: on the declarations the full build
    read (the held-back day excluded), it counts the counted hires the warehouse counts, within the
    few rows the contract's finer rules (identifier keys, date window) reject."""
    scale = report[0]["scales"][0]
    floor, world = scale["floor"], report[2]
    with duckdb.connect(str(world / "warehouse.duckdb"), read_only=True) as con:
        (counted,) = con.execute(
            "select count(*) from intermediate.int_hires_counted where declared_at < ?",
            [scale["incremental"]["delivered_day"]],
        ).fetchone()
    assert floor["seconds"] > 0 and floor["cells"] > 0
    assert floor["counted_hires"] == pytest.approx(counted, rel=0.02)
    build = scale["build"]
    assert build["ratio_to_floor"] == pytest.approx(build["seconds"] / floor["seconds"], abs=0.01)


def test_overhead_ratio_is_build_over_replay(report: tuple[dict, str, Path]) -> None:
    scale = report[0]["scales"][0]
    over = scale["overhead"]
    assert over["files_replayed"] > 100  # models and data tests
    assert over["seconds"] == pytest.approx(over["sql_seconds"] + over["python_seconds"], abs=0.02)
    assert over["python_seconds"] == pytest.approx(
        scale["build"]["python_models"]["seconds"], abs=0.05
    )
    assert over["ratio"] == pytest.approx(scale["build"]["seconds"] / over["seconds"], abs=0.01)


def test_targets_say_whether_and_by_how_much_they_are_missed(
    report: tuple[dict, str, Path],
) -> None:
    data, stdout, _ = report
    names = {t["name"] for t in data["targets"]}
    assert names == {"incremental_ratio", "overhead_ratio"}  # no scale-1 or national world here
    for t in data["targets"]:
        assert t["met"] == (t["value"] <= t["target"])
        assert t["missed_by"] == (0.0 if t["met"] else pytest.approx(t["value"] - t["target"]))
        assert f"target {t['name']} (scale {SCALE:g})" in stdout
    load = data["scales"][0]["load_1min"]
    assert load["start"] >= 0 and load["end"] >= 0
    assert data["machine"]["nproc"] >= 1
    assert data["commit"] and len(data["load_average_before"]) == 3


def test_peak_memory_counts_the_whole_process_tree() -> None:
    """A shell whose child holds 200 MB: the tree's resident memory includes the child's."""
    child = "x = b'x' * (200 * 1024**2); import time; time.sleep(30)"
    shell = subprocess.Popen(
        ["/bin/sh", "-c", f'"{sys.executable}" -c "{child}"; true'], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        peak = 0
        while time.monotonic() < deadline and peak < 200 * 1024**2:
            peak = max(peak, bench._tree_rss(shell.pid))
            time.sleep(0.1)
        assert peak >= 200 * 1024**2
    finally:
        os.killpg(shell.pid, signal.SIGKILL)  # the group this test started: the shell and its child
        shell.wait()


def test_a_killed_benchmark_takes_its_command_with_it(tmp_path: Path) -> None:
    """run_timed's child gets SIGKILL when the benchmark's process dies, however it dies."""
    pid_file = tmp_path / "child.pid"
    child = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    runner = (
        "from smallfirms import bench; import os, sys; "
        f"bench.run_timed([sys.executable, '-c', {child!r}], dict(os.environ))"
    )
    parent = subprocess.Popen([sys.executable, "-c", runner])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (pid_file.exists() and pid_file.read_text()):
            time.sleep(0.05)
        pid = int(pid_file.read_text())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not dying_or_gone(pid):
        time.sleep(0.05)
    assert dying_or_gone(pid), "the benchmark's command outlived it"


def test_bad_scales_give_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smallfirms.bench", "--scales", "one"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "bench: --scales 'one': expected numbers separated by commas"


def test_the_docs_table_is_the_committed_run() -> None:
    """docs/performance.md shows the table `make bench` printed for docs/results/bench.json."""
    root = Path(__file__).resolve().parents[2]
    committed = json.loads((root / "docs" / "results" / "bench.json").read_text(encoding="utf-8"))
    assert committed["commit"] and committed["load_average_before"] and committed["machine"]
    docs = (root / "docs" / "performance.md").read_text(encoding="utf-8")
    table = bench.table(committed).split("\n\n")[0]
    assert table in docs, "docs/performance.md's benchmark table is not docs/results/bench.json's"
