"""Defects: plant known bad rows in a clean CSV world, so that the quarantine can be tested.

    python -m smallfirms.generate --scale 0.02 --seed 11 --out DIR --defects

:func:`inject_defects` rewrites some raw files of a clean CSV world in place and records every
planted row in ``_truth/defects.csv`` (``defect_class, source_table, raw_line, raw_key, rule,
column_name``): ``raw_line`` counts data rows from 1, as ``raw.<table>._raw_line`` does. Each
planted row breaks one rule, the first the base model checks, and no other row changes status:
establishments are only corrupted when no hire, offer, action or answer points to them, and
duplicates are appended at the end of their file so that the other rows keep their line numbers.

Two classes are valid on purpose and not rejected: ``duplicate_declaration`` (rule
``merged_duplicate``: the same hire declared again, to be counted once) and ``bom`` (rule
``bom_tolerated``: a UTF-8 byte-order mark before the header of one file; no line, no key).
The choice of rows depends only on ``seed`` and the clean files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from smallfirms import contract

TRUTH_FILE = Path("_truth") / "defects.csv"
TRUTH_COLUMNS = ("defect_class", "source_table", "raw_line", "raw_key", "rule", "column_name")
# Rules of planted rows that the warehouse must keep (all other truth rows must be rejected).
NOT_REJECTED = frozenset({"merged_duplicate", "bom_tolerated"})


def referencing_tables() -> list[str]:
    """Tables whose siret must be a valid establishment (unknown_establishment otherwise)."""
    return [
        table.name
        for table in contract.tables().values()
        if any(r.checks.get("references", {}).get("table") == "establishments" for r in table.rules)
    ]


LA_POSTE_SIREN = "356000000"
BOM_TABLE = "satisfaction_answers"
CHANGED_TABLES = (
    "establishments",
    "hire_declarations",
    "jobseeker_spells",
    "job_offers",
    "satisfaction_answers",
)


@dataclass
class Table:
    """A raw CSV file as text: header and rows (lists of strings, '' = NULL)."""

    name: str
    header: list[str]
    rows: list[list[str]]
    bom: bool = False

    @classmethod
    def read(cls, raw_dir: Path, name: str) -> Table:
        with (raw_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if not rows:
            raise ValueError(f"{raw_dir / name}.csv: no header; defects need a clean CSV world")
        return cls(name, rows[0], rows[1:])

    def write(self, raw_dir: Path) -> None:
        encoding = "utf-8-sig" if self.bom else "utf-8"
        with (raw_dir / f"{self.name}.csv").open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(self.header)
            writer.writerows(self.rows)

    def col(self, column: str) -> int:
        return self.header.index(column)

    def values(self, column: str) -> list[str]:
        i = self.col(column)
        return [row[i] for row in self.rows]


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = int(char)
        if position % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(payload: str) -> str:
    """``payload`` followed by the check digit that makes it Luhn-valid."""
    return next(payload + d for d in "0123456789" if luhn_valid(payload + d))


class Injector:
    def __init__(self, raw_dir: Path, seed: int, per_class: int) -> None:
        self.rng = random.Random(seed)
        self.per_class = per_class
        self.t = {name: Table.read(raw_dir, name) for name in CHANGED_TABLES}
        for name in ("communes", "counsellor_actions"):
            self.t[name] = Table.read(raw_dir, name)
        self.truth: list[dict] = []
        self.sirets = set(self.t["establishments"].values("siret"))
        self._used_hires: set[int] = set()

    def record(self, defect_class: str, table: str, index: int | None, rule: str, column: str):
        """Truth row for the row at 0-based ``index`` of ``table`` (None: the whole file)."""
        t = self.t[table]
        key_column = contract.tables()[table].key
        self.truth.append(
            {
                "defect_class": defect_class,
                "source_table": table,
                "raw_line": "" if index is None else index + 1,
                "raw_key": "" if index is None else t.rows[index][t.col(key_column)],
                "rule": rule,
                "column_name": column,
            }
        )

    def sample(self, indices: list[int], what: str) -> list[int]:
        if len(indices) < self.per_class:
            raise ValueError(
                f"only {len(indices)} candidate rows for {what}, {self.per_class} asked"
            )
        return sorted(self.rng.sample(indices, self.per_class))

    # establishments: rows that nothing references, so that rejecting them cascades nowhere

    def unreferenced_establishments(self) -> list[int]:
        referenced: set[str] = set()
        for name in referencing_tables():
            referenced.update(self.t[name].values("siret"))
        est = self.t["establishments"]
        return [
            i
            for i, siret in enumerate(est.values("siret"))
            if siret not in referenced and not siret.startswith(LA_POSTE_SIREN)
        ]

    def siret_luhn(self, candidates: list[int]) -> None:
        est = self.t["establishments"]
        c = est.col("siret")
        for i in candidates:
            siret = est.rows[i][c]
            shifts = self.rng.sample(range(1, 10), 9)  # a new last digit breaks the Luhn sum
            bad = next(
                b
                for b in (siret[:13] + str((int(siret[13]) + s) % 10) for s in shifts)
                if b not in self.sirets
            )
            self.sirets.add(bad)
            est.rows[i][c] = bad
            self.record("siret_luhn", "establishments", i, "siret_format", "siret")

    def unknown_commune(self, candidates: list[int]) -> None:
        est = self.t["establishments"]
        c = est.col("code_commune")
        communes = set(self.t["communes"].values("code_commune"))
        for i in candidates:
            code = est.rows[i][c]
            est.rows[i][c] = next(
                code[:-3] + f"{k:03d}"
                for k in range(999, 0, -1)
                if code[:-3] + f"{k:03d}" not in communes
            )
            self.record("unknown_commune", "establishments", i, "unknown_commune", "code_commune")

    # hire declarations: rows whose hire is declared once, each used by one class only

    def hire_candidates(self, nature: str | None = None) -> list[int]:
        hires = self.t["hire_declarations"]
        key = [hires.col(c) for c in ("siret", "nir", "date_embauche", "nature_contrat")]
        seen: dict[tuple[str, ...], int] = {}
        for row in hires.rows:
            k = tuple(row[j] for j in key)
            seen[k] = seen.get(k, 0) + 1
        n = hires.col("nature_contrat")
        return [
            i
            for i, row in enumerate(hires.rows)
            if seen[tuple(row[j] for j in key)] == 1
            and i not in self._used_hires
            and (nature is None or row[n] == nature)
        ]

    def take_hires(self, what: str, nature: str | None = None) -> list[int]:
        chosen = self.sample(self.hire_candidates(nature), what)
        self._used_hires.update(chosen)
        return chosen

    def unknown_siret_in_hires(self) -> None:
        hires = self.t["hire_declarations"]
        c = hires.col("siret")
        for i in self.take_hires("unknown_siret_in_hires"):
            while True:
                siren = luhn_complete(f"{self.rng.randrange(10**7, 10**8)}")
                siret = luhn_complete(siren + "0001")
                if siret not in self.sirets and siren != LA_POSTE_SIREN:
                    break
            self.sirets.add(siret)  # never reuse it for another defect
            hires.rows[i][c] = siret
            self.record(
                "unknown_siret_in_hires", "hire_declarations", i, "unknown_establishment", "siret"
            )

    def not_in_set(self) -> None:
        hires = self.t["hire_declarations"]
        c = hires.col("nature_contrat")
        for i in self.take_hires("not_in_set"):
            hires.rows[i][c] = "CDX"
            self.record("not_in_set", "hire_declarations", i, "not_in_set", "nature_contrat")

    def date_order(self) -> None:
        hires = self.t["hire_declarations"]
        start, end = hires.col("date_embauche"), hires.col("date_fin_contrat")
        for i in self.take_hires("date_order", nature="CDD"):
            hired = dt.date.fromisoformat(hires.rows[i][start])
            hires.rows[i][end] = (hired - dt.timedelta(days=self.rng.randint(1, 30))).isoformat()
            self.record("date_order", "hire_declarations", i, "date_order", "date_fin_contrat")

    def duplicate_declaration(self) -> None:
        hires = self.t["hire_declarations"]
        c_id, c_at = hires.col("declaration_id"), hires.col("date_declaration")
        ids = hires.values("declaration_id")
        width = len(ids[0]) - 1
        next_number = max(int(x[1:]) for x in ids) + 1
        for i in self.take_hires("duplicate_declaration"):
            copy = list(hires.rows[i])
            copy[c_id] = f"D{next_number:0{width}d}"
            next_number += 1
            declared = dt.datetime.fromisoformat(copy[c_at])
            later = declared + dt.timedelta(days=self.rng.randint(1, 20))
            copy[c_at] = later.strftime("%Y-%m-%d %H:%M:%S")
            hires.rows.append(copy)
            self.record(
                "duplicate_declaration",
                "hire_declarations",
                len(hires.rows) - 1,
                "merged_duplicate",
                "declaration_id",
            )

    # other tables

    def out_of_range(self) -> None:
        spells = self.t["jobseeker_spells"]
        c = spells.col("annee_naissance")
        for n, i in enumerate(self.sample(range(len(spells.rows)), "out_of_range")):
            spells.rows[i][c] = "1930" if n % 2 == 0 else "2012"
            self.record("out_of_range", "jobseeker_spells", i, "out_of_range", "annee_naissance")

    def duplicate_id(self) -> None:
        offers = self.t["job_offers"]
        for i in self.sample(range(len(offers.rows)), "duplicate_id"):
            offers.rows.append(list(offers.rows[i]))
            self.record(
                "duplicate_id", "job_offers", len(offers.rows) - 1, "duplicate_id", "offer_id"
            )

    def bom(self) -> None:
        self.t[BOM_TABLE].bom = True
        self.record("bom", BOM_TABLE, None, "bom_tolerated", "")

    def run(self) -> list[dict]:
        free = self.unreferenced_establishments()
        if len(free) < 2 * self.per_class:
            raise ValueError(f"only {len(free)} unreferenced establishments for two classes")
        both = self.rng.sample(free, 2 * self.per_class)
        self.siret_luhn(sorted(both[: self.per_class]))
        self.unknown_commune(sorted(both[self.per_class :]))
        self.unknown_siret_in_hires()
        self.not_in_set()
        self.out_of_range()
        self.date_order()
        self.duplicate_id()
        self.duplicate_declaration()
        self.bom()
        return self.truth


def inject_defects(raw_dir: Path, seed: int, per_class: int = 5) -> list[dict]:
    """Plant ``per_class`` bad rows per defect class in the clean CSV world ``raw_dir`` (in place).

    Returns the truth rows, also written to ``raw_dir/_truth/defects.csv``."""
    raw_dir = Path(raw_dir)
    if per_class < 1:
        raise ValueError("per_class must be at least 1")
    for name in CHANGED_TABLES:
        if not (raw_dir / f"{name}.csv").exists():
            raise ValueError(f"{raw_dir / name}.csv: missing; defects need a clean CSV world")
    injector = Injector(raw_dir, seed, per_class)
    truth = injector.run()
    for name in CHANGED_TABLES:
        injector.t[name].write(raw_dir)
    (raw_dir / TRUTH_FILE).parent.mkdir(parents=True, exist_ok=True)
    with (raw_dir / TRUTH_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=TRUTH_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(truth)
    return truth
