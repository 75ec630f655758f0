"""One command for the tooling: `smallfirms <subcommand> [options]` (`[project.scripts]`).

Each subcommand is a module's own `main`, so `python -m smallfirms.<module>` keeps working with the
same options; `smallfirms <subcommand> --help` shows them. Modules are imported only when their
subcommand runs (the report and the dashboard pull in heavy libraries)."""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module, what it does)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("smallfirms.world.cli", "generate a synthetic world (the ten raw files)"),
    "contract": ("smallfirms.contract", "check (or --write) the macro generated from the contract"),
    "preflight": ("smallfirms.preflight", "check the raw files before dbt reads them"),
    "load-raw": ("smallfirms.load_raw", "load the raw files into Postgres"),
    "build": ("smallfirms.build", "pre-flight, dbt build, a receipt if clean"),
    "publish": ("smallfirms.publish", "publish the marts of a good build for BI"),
    "quality": ("smallfirms.quality", "great-expectations suites on raw files and marts"),
    "report": ("smallfirms.report", "write the evaluation report (HTML)"),
    "summary": ("smallfirms.summary", "print what a build produced"),
    "call-list": ("smallfirms.call_list", "export an agency's call list"),
    "score-validation": ("smallfirms.score_validation", "print how the rankings find hires"),
    "world-ceilings": ("smallfirms.world.ceilings", "oracle and best-cell captures"),
    "world-results": ("smallfirms.world.results", "world v2 over several seeds"),
    "rejection": ("smallfirms.rejection", "rejection rates of the tests on null worlds"),
    "bench": ("smallfirms.bench", "benchmark worlds at several scales"),
    "dashboard": ("smallfirms.dashboard.__main__", "serve the dashboard"),
}


def usage() -> str:
    lines = ["usage: smallfirms <subcommand> [options]", "", "subcommands:"]
    lines += [f"  {name:<17} {text}" for name, (_, text) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"smallfirms: unknown subcommand {name!r}\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(SUBCOMMANDS[name][0])
    sys.argv = [f"smallfirms {name}", *rest]  # so each parser names the subcommand
    result = module.main(rest)
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
