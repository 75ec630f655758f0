"""The rejection-table command runs end to end on two tiny null worlds and writes its JSON."""

import json
import sys

from worlds import run


def test_rejection_command_runs_on_two_tiny_worlds(tmp_path):
    out = tmp_path / "rejection.json"
    done = run(
        [
            sys.executable,
            "-m",
            "smallfirms.rejection",
            "--worlds",
            "2",
            "--scale",
            "0.02",
            "--reps",
            "999",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ]
    )
    assert done.returncode == 0, done.output[-3000:]
    assert "[  2/2]" in done.output
    report = json.loads(out.read_text())
    assert report["worlds"] == 2 and len(report["per_world"]) == 2
    for world in report["per_world"]:
        for method in ("CRV1", "WCR", "RI"):
            assert 0 <= world[method] <= 1
    for row in report["summary"].values():
        assert row["worlds"] == 2 and 0 <= row["ci_low"] <= row["share"] <= row["ci_high"] <= 1
    assert "| WCR |" in done.output
