"""Start the dashboard: check the published file, then run Streamlit on 127.0.0.1.

python -m smallfirms.dashboard [--database data/published/warehouse.duckdb] [--port 8501]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from smallfirms.dashboard import data

APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str) -> list[str]:
    """The `streamlit run` command: headless, bound to address, no usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        # A viewer's toolbar: no "Deploy" button, no developer menu.
        "--client.toolbarMode",
        "viewer",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the dashboard over the published marts.")
    parser.add_argument(
        "--database",
        type=Path,
        default=data.published_path(),
        help="the published DuckDB file (default: PUBLISHED_PATH, else the file of make publish)",
    )
    parser.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    parser.add_argument("--address", default="127.0.0.1", help="address (default: 127.0.0.1)")
    args = parser.parse_args(argv)
    try:
        data.check_published(args.database)
    except data.DashboardDataError as exc:
        print(f"dashboard: {exc}")
        return 1
    env = dict(os.environ)
    env["PUBLISHED_PATH"] = str(args.database.resolve())
    # Also as environment settings, in case a config file elsewhere says otherwise.
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["STREAMLIT_SERVER_HEADLESS"] = "true"
    print(f"dashboard: http://{args.address}:{args.port} over {env['PUBLISHED_PATH']}", flush=True)
    command = streamlit_command(args.port, args.address)
    os.execve(command[0], command, env)
    return 0  # not reached: the process is now Streamlit


if __name__ == "__main__":
    raise SystemExit(main())
