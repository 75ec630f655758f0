"""Pre-flight check: each file-level error of the contract gives one line naming file and column."""

from pathlib import Path

import pytest

from smallfirms import contract, preflight

TABLES = contract.tables()


def _write_folder(folder: Path) -> Path:
    """A layout-valid raw folder: every file with its header, reference tables with one row."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in TABLES.items():
        lines = [",".join(table.column_names)]
        if table.not_empty:
            lines.append(",".join("x" for _ in table.columns))
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return _write_folder(tmp_path / "raw")


def _errors(folder: Path) -> list[str]:
    return preflight.check_folder(folder, TABLES).errors


def test_contract_lists_the_ten_tables():
    assert len(TABLES) == 10
    assert TABLES["hire_declarations"].column_names[:3] == ["declaration_id", "siret", "nir"]


def test_a_valid_folder_passes(raw: Path):
    assert _errors(raw) == []


def test_hire_declarations_may_come_as_a_folder_of_dated_delivery_files(raw: Path):
    history = raw / "hire_declarations.csv"
    folder = raw / "hire_declarations"
    folder.mkdir()
    (folder / "2018-03-01.csv").write_bytes(history.read_bytes())
    history.unlink()  # deliveries only, no history file: no missing-file error
    assert _errors(raw) == []
    (folder / "2018-03-02.csv").write_text("declaration_id;siret\n", encoding="utf-8")
    (folder / "latest.csv").write_bytes((folder / "2018-03-01.csv").read_bytes())
    errors = _errors(raw)
    assert len(errors) == 2
    assert errors[0].startswith(f"{folder / '2018-03-02.csv'}: ")
    assert errors[1] == (
        f"{folder / 'latest.csv'}: file-level error, a delivery file is named by its delivery"
        " date, YYYY-MM-DD.csv"
    )


def test_missing_file(raw: Path):
    (raw / "job_offers.csv").unlink()
    assert _errors(raw) == [
        f"{raw}/job_offers.csv: file-level error, missing file (nor job_offers.parquet)"
    ]


def test_both_formats(raw: Path):
    (raw / "agencies.parquet").write_bytes(b"PAR1")
    assert _errors(raw) == [
        f"{raw}/agencies.csv: file-level error, both agencies.csv and agencies.parquet exist"
    ]


def test_zero_bytes(raw: Path):
    (raw / "counsellor_actions.csv").write_bytes(b"")
    assert _errors(raw) == [
        f"{raw}/counsellor_actions.csv: file-level error, the file is empty (zero bytes)"
    ]


def test_missing_column_is_named(raw: Path):
    columns = [c for c in TABLES["establishments"].column_names if c != "code_naf"]
    (raw / "establishments.csv").write_text(
        ",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n"
    )
    assert _errors(raw) == [
        f"{raw}/establishments.csv: file-level error, column code_naf is missing"
    ]


def test_byte_order_mark_is_tolerated(raw: Path):
    path = raw / "communes.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _errors(raw) == []


def test_not_utf8(raw: Path):
    path = raw / "legal_units.csv"
    path.write_bytes(path.read_bytes() + "Société\n".encode("latin-1"))
    (error,) = _errors(raw)
    assert error.startswith(f"{raw}/legal_units.csv: file-level error, not UTF-8 (byte ")


def test_semicolon_delimited(raw: Path):
    path = raw / "satisfaction_answers.csv"
    path.write_text(";".join(TABLES["satisfaction_answers"].column_names) + "\n")
    (error,) = _errors(raw)
    assert error == (
        f"{raw}/satisfaction_answers.csv: file-level error, "
        "not comma-delimited (the header is split by ';')"
    )


def test_header_only_reference_table_is_an_error(raw: Path):
    (raw / "agencies.csv").write_text(",".join(TABLES["agencies"].column_names) + "\n")
    assert _errors(raw) == [
        f"{raw}/agencies.csv: file-level error, reference table agencies has no rows"
    ]


def test_extra_column_only_warns(raw: Path):
    path = raw / "job_offers.csv"
    path.write_text(",".join(TABLES["job_offers"].column_names + ["commentaire"]) + "\n")
    report = preflight.check_folder(raw, TABLES)
    assert report.errors == []
    assert report.warnings == [f"{raw}/job_offers.csv: extra columns ignored: commentaire"]


def test_cli_prints_one_line_per_error_and_exits_1(raw: Path, capsys: pytest.CaptureFixture[str]):
    (raw / "job_offers.csv").unlink()
    assert preflight.main([str(raw)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    expected = f"{raw}/job_offers.csv: file-level error, missing file (nor job_offers.parquet)"
    assert err == [f"preflight error: {expected}"]
