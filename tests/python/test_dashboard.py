"""The dashboard in a real browser: Streamlit on a free 127.0.0.1 port over the published test
marts, Debian's Chromium driven by Playwright. Each page must draw its charts (SVG marks, as many
as the marts have rows to draw), show a figure read here from the marts, show suppressed cells as
"suppressed", send no request off the machine, and leave a screenshot in data/test/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
import yaml
from streamlit.testing.v1 import AppTest
from worlds import TEST_PUBLISHED

import smallfirms.dashboard
from smallfirms.dashboard.views import cohorts, effects, funnel, satisfaction, targeting

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path("data/test/screenshots")
SERVER_LOG = Path("data/test/dashboard-server.log")
STARTUP_SECONDS = 90
LOCAL_HOSTS = {"127.0.0.1"}

# Per dashboard chart: the Vega mark groups, their items and the texts of text marks.
CHARTS_JS = """
charts => charts.map(chart => [...chart.querySelectorAll('svg g.role-mark')].map(group => ({
    kind: (group.getAttribute('class') || '').split(' ')[0],
    items: group.children.length,
    texts: [...group.querySelectorAll('text')].map(t => t.textContent.trim()),
})))
"""
# Per st.table: its rows as {column header: cell text}.
TABLES_JS = """
tables => tables.map(table => {
    const heads = [...table.querySelectorAll('thead th')].map(h => h.textContent.trim());
    return [...table.querySelectorAll('tbody tr')].map(row => Object.fromEntries(
        [...row.querySelectorAll('th, td')].map((cell, i) => [heads[i], cell.textContent.trim()])));
})
"""
# True once the page shows at least n charts, each with at least one drawn mark, and every table
# has laid out its rows.
PAGE_READY_JS = """
n => {
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    const tables = [...document.querySelectorAll('[data-testid="stTable"]')];
    const laidOut = t => [...t.querySelectorAll('tbody tr')].some(
        r => r.getBoundingClientRect().height > 0);
    return charts.length >= n && charts.every(c => c.querySelector('svg g.role-mark > *'))
        && tables.every(laidOut);
}
"""


def _published() -> Path:
    path = TEST_PUBLISHED
    assert path.is_file(), f"{path}: no published test warehouse; run `make test-build` first"
    return path.resolve()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def marts():
    with duckdb.connect(str(_published()), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def server():
    """`python -m smallfirms.dashboard` (what `make dashboard` runs) on a free port."""
    port = _free_port()
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = open(SERVER_LOG, "w", encoding="utf-8")  # noqa: SIM115 - closed in the finaliser
    command = [sys.executable, "-m", "smallfirms.dashboard", "--database", str(_published())]
    process = subprocess.Popen(
        command + ["--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"dashboard exited; see {SERVER_LOG}"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"dashboard not up in {STARTUP_SECONDS} s"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make chromium` installs it (as root, with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh tab; every request it makes is kept to check that none leaves the machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.requested = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    tab.base_url = server
    yield tab
    context.close()


def _open(page, path: str, charts: int, screenshot: str) -> tuple[list, list, str]:
    """Open a page, wait for its charts' SVG marks; its charts, tables and text."""
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(PAGE_READY_JS, arg=charts, timeout=60_000)
    page.wait_for_load_state("networkidle")
    height = _settled_height(page)
    text = page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0, text[:2000]
    assert "Traceback" not in text
    # The whole page in one picture: the main area scrolls inside the window, so the window
    # grows to its height (and the page is left to lay itself out again).
    page.set_viewport_size({"width": 1400, "height": max(1000, height + 40)})
    page.wait_for_function(PAGE_READY_JS, arg=charts)
    _settled_height(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)
    found_charts = page.locator('[data-testid="stVegaLiteChart"]').evaluate_all(CHARTS_JS)
    tables = page.locator('[data-testid="stTableStyledTable"]').evaluate_all(TABLES_JS)
    _assert_stayed_local(page)
    return found_charts, tables, text


def _settled_height(page, timeout: float = 15.0) -> int:
    """The main area's height once it stops changing (tables and charts lay out after load)."""
    measure = "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
    deadline = time.monotonic() + timeout
    height = page.evaluate(measure)
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        again = page.evaluate(measure)
        if again == height:
            break
        height = again
    return int(height)


def _assert_stayed_local(page) -> None:
    """No usage statistics or any other request off 127.0.0.1."""
    away = [
        url
        for url in page.requested
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
        and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    assert not away, f"requests left the machine: {away[:5]}"


def _items(chart: list[dict], kind: str) -> int:
    return sum(group["items"] for group in chart if group["kind"] == kind)


def _texts(chart: list[dict]) -> list[str]:
    return [text for group in chart if group["kind"] == "mark-text" for text in group["texts"]]


def _p_value(p: float) -> str:
    """A p-value as the pages write it."""
    return "< 0.0001" if p < 0.0001 else (f"{p:.4f}" if p < 0.001 else f"{p:.3f}")


def _metric(page, label: str) -> str:
    """The value st.metric shows under exactly this label."""
    metrics = page.locator('[data-testid="stMetric"]').evaluate_all(
        """ms => ms.map(m => [m.querySelector('[data-testid="stMetricLabel"]').textContent.trim(),
                              m.querySelector('[data-testid="stMetricValue"]').textContent.trim()])"""
    )
    values = [value for name, value in metrics if name == label]
    assert len(values) == 1, f"metric {label!r} not found once among {metrics}"
    return values[0]


def test_targeting_page_lists_the_prospects_of_an_agency(page, marts):
    region, agency, prospects, priority = marts.execute(
        "select code_region, code_agence, count(*), count(*) filter (where is_priority_prospect) "
        "from marts.prospect_targeting where is_prospect group by all "
        "order by count(*) desc, code_agence limit 1"
    ).fetchone()
    first_siret, first_score = marts.execute(
        "select siret, expected_hires_next_6_months from marts.prospect_targeting "
        "where code_agence = ? and rank_in_agency = 1",
        [agency],
    ).fetchone()
    (bars,) = marts.execute(
        "select count(distinct (code_agence, is_priority_prospect)) from marts.prospect_targeting "
        "where is_prospect and code_region = ?",
        [region],
    ).fetchone()
    charts, tables, _ = _open(page, f"/?region={region}&agency={agency}", 1, "targeting")
    assert _metric(page, "Prospects") == f"{prospects:,}"
    assert _metric(page, "Priority prospects") == f"{priority:,}"
    # one bar per agency of the region and kind of prospect
    assert _items(charts[0], "mark-rect") == bars
    first = tables[0][0]
    assert (first["rank in agency"], first["SIRET"]) == ("1", first_siret)
    assert first["expected hires, next 6 months"] == f"{first_score:.1f}"
    assert first["reason"].startswith("Prospect")


def test_cohorts_page_shows_the_cohorts_and_their_balance(page, marts):
    (pilot,) = marts.execute(
        "select count(*) from marts.cohort_small_firms where cohort = 'pilot'"
    ).fetchone()
    (pair_bars,) = marts.execute(
        "select count(distinct (pilot_agency_code, cohort)) from marts.cohort_small_firms"
    ).fetchone()
    balance = marts.execute(
        "select covariate, smd, is_suppressed from marts.eval_balance "
        "where experiment = 'small_firms' order by covariate_order"
    ).fetchall()
    (drawn,) = marts.execute(
        "select count(*) from marts.eval_balance where not is_suppressed and smd is not null"
    ).fetchone()
    (joint_p,) = marts.execute(
        "select p_value from marts.eval_balance_joint_test where experiment = 'small_firms'"
    ).fetchone()
    charts, tables, _ = _open(page, "/cohorts", 2, "cohorts")
    assert _metric(page, "Pilot small firms") == f"{pilot:,}"
    assert _items(charts[0], "mark-rect") == pair_bars
    assert _items(charts[1], "mark-rect") == drawn
    shown = {
        row["covariate"]: row["SMD"] for row in tables[0] if row["experiment"] == "small firms"
    }
    for covariate, smd, suppressed in balance:
        assert shown[covariate] == ("suppressed" if suppressed else f"{smd:+.3f}")
    small_firms_test = next(row for row in tables[1] if row["experiment"] == "small firms")
    assert small_firms_test["p-value"] == _p_value(joint_p)


def test_effects_page_draws_the_forest_plot_of_eval_effects(page, marts):
    estimate, low, high = marts.execute(
        "select estimate, ci_low, ci_high from marts.eval_effects where experiment = "
        "'small_firms' and outcome = 'hires' and subgroup = 'all' and estimand = 'ITT'"
    ).fetchone()
    (outcomes,) = marts.execute(
        "select count(*) from marts.eval_effects where experiment = 'small_firms' "
        "and subgroup = 'all' and estimand = 'ITT' and not is_suppressed"
    ).fetchone()
    (subgroups,) = marts.execute(
        "select count(*) from marts.eval_effects where experiment = 'small_firms' "
        "and outcome = 'hires' and estimand = 'ITT' and not is_suppressed"
    ).fetchone()
    charts, tables, _ = _open(page, "/effects", 2, "effects")
    # one point and one interval per row, in both forest plots
    assert _items(charts[0], "mark-symbol") == outcomes
    assert _items(charts[1], "mark-symbol") == subgroups
    hires = next(row for row in tables[0] if row["outcome"] == "hires")
    assert hires["estimate"] == f"{estimate:+.3f}"
    interval = next(value for key, value in hires.items() if key.endswith("interval"))
    assert interval == f"[{low:+.3f}, {high:+.3f}]"


def test_satisfaction_page_shows_rates_beside_the_references(page, marts):
    small, all_firms = marts.execute(
        "select distinct reference_rate_small_firms, reference_rate_all_firms "
        "from marts.eval_satisfaction"
    ).fetchone()
    (pilot_rate,) = marts.execute(
        "select satisfied_rate from marts.eval_satisfaction "
        "where population = 'pilot' and survey_window = 'evaluation_survey' and not is_suppressed"
    ).fetchone()
    (drawn,) = marts.execute(
        "select count(*) from marts.eval_satisfaction "
        "where not is_suppressed and satisfied_rate is not null"
    ).fetchone()
    charts, tables, _ = _open(page, "/satisfaction", 1, "satisfaction")
    assert _metric(page, "Reference: small firms before the pilot") == f"{100 * small:.1f} %"
    assert _metric(page, "Reference: all firms") == f"{100 * all_firms:.1f} %"
    assert _items(charts[0], "mark-rect") == drawn
    assert _items(charts[0], "mark-rule") == 2  # the two reference lines
    pilot = next(
        row
        for row in tables[0]
        if (row["population"], row["survey window"]) == ("pilot cohort", "evaluation survey")
    )
    assert pilot["satisfied rate"] == f"{100 * pilot_rate:.1f} %"


def test_funnel_page_shows_suppressed_cells_as_suppressed(page, marts):
    suppressed = marts.execute(
        "select code_agence, stage from marts.eval_service_funnel where is_suppressed "
        "order by code_agence, stage_order"
    ).fetchall()
    assert suppressed, "the test world has no suppressed funnel cell: the check would be empty"
    agency = suppressed[0][0]
    hidden_stages = [stage for code, stage in suppressed if code == agency]
    (shown_stages,) = marts.execute(
        "select count(*) from marts.eval_service_funnel "
        "where code_agence = ? and not is_suppressed",
        [agency],
    ).fetchone()
    contacted, share = marts.execute(
        "select n_firms, share_of_prospects from marts.eval_service_funnel "
        "where is_total and stage = 'contacted'"
    ).fetchone()
    charts, tables, _ = _open(page, f"/funnel?funnel_agency={agency}", 1, "funnel")
    # the agency's chart: a bar per published stage, the word where a stage is hidden
    assert _items(charts[0], "mark-rect") == shown_stages
    assert _texts(charts[0]).count("suppressed") == len(hidden_stages)
    rows = {row["agency"]: row for row in tables[0]}
    for code, stage in suppressed:
        assert rows[code][stage] == "suppressed", (code, stage, rows[code])
    assert rows["all pilot agencies"]["contacted"] == f"{contacted:,} ({100 * share:.1f} %)"


def test_launcher_says_one_line_when_the_published_file_is_missing(tmp_path):
    missing = tmp_path / "published" / "warehouse.duckdb"
    command = [sys.executable, "-m", "smallfirms.dashboard", "--database", str(missing)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout.strip().splitlines() == [
        f"dashboard: {missing}: no published warehouse here; run `make run` first "
        "(or set PUBLISHED_PATH to a file written by `make publish`)"
    ]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no published warehouse here; run `make run` first"),
        ("not a database", "cannot read the published marts (IO Error"),
        ("empty database", "cannot read the published marts (Catalog Error"),
    ],
)
def test_app_says_one_line_when_the_published_file_is_unusable(
    tmp_path, monkeypatch, content, expected
):
    path = tmp_path / "published.duckdb"
    if content == "not a database":
        path.write_text("hello", encoding="utf-8")
    elif content == "empty database":
        duckdb.connect(str(path)).close()
    monkeypatch.setenv("PUBLISHED_PATH", str(path))
    app = Path(smallfirms.dashboard.__file__).with_name("app.py")
    at = AppTest.from_file(str(app), default_timeout=60).run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and "\n" not in messages[0]
    assert messages[0].startswith(f"{path}: {expected}"), messages


def test_dashboard_exposure_lists_the_marts_the_pages_read():
    """The exposure's depends_on is what the pages query, and its url is the local address."""
    read = {
        name
        for view in (targeting, cohorts, effects, satisfaction, funnel)
        for sql in view.QUERIES.values()
        for name in re.findall(r"\bmarts\.(\w+)", sql)
    }
    exposures = yaml.safe_load(Path("models/marts/_exposures.yml").read_text(encoding="utf-8"))
    dashboard = next(e for e in exposures["exposures"] if e["name"] == "dashboard")
    declared = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in dashboard["depends_on"]}
    assert declared == read
    assert dashboard["url"] == "http://127.0.0.1:8501"


def test_a_new_publication_is_read_at_the_next_run(tmp_path, monkeypatch):
    """The app caches per file version: after an atomic swap it shows the new figures."""
    path = tmp_path / "published.duckdb"
    shutil.copy(_published(), path)
    monkeypatch.setenv("PUBLISHED_PATH", str(path))
    app = Path(smallfirms.dashboard.__file__).with_name("app.py")
    at = AppTest.from_file(str(app), default_timeout=60).run()

    def prospects() -> str:
        return next(m.value for m in at.metric if m.label == "Prospects")

    with duckdb.connect(str(path), read_only=True) as con:
        (before,) = con.execute(
            "select count(*) from marts.prospect_targeting where is_prospect"
        ).fetchone()
    assert prospects() == f"{before:,}"
    # The next publication: one prospect fewer, swapped in as smallfirms.publish does.
    new = tmp_path / "next.duckdb"
    shutil.copy(path, new)
    with duckdb.connect(str(new)) as con:
        con.execute(
            "delete from marts.prospect_targeting where siret = "
            "(select min(siret) from marts.prospect_targeting where is_prospect)"
        )
    os.replace(new, path)
    at.run()
    assert prospects() == f"{before - 1:,}"
