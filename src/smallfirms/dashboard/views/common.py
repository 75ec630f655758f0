"""What every page shares: reading the published marts once per publication, and the notes."""

from __future__ import annotations

import streamlit as st

from smallfirms.dashboard import data


@st.cache_data(show_spinner=False, max_entries=64)
def _cached(path: str, modified_ns: int, queries: tuple[tuple[str, str], ...]) -> dict:
    # The file's modification time is in the key: a new publication is read afresh.
    return data.read_tables(data.Path(path), dict(queries))


def load(queries: dict[str, str]) -> dict:
    """The query results from the published file; on failure one line on the page, then stop."""
    path = data.published_path()
    try:
        data.check_published(path)
        return _cached(str(path.resolve()), path.stat().st_mtime_ns, tuple(queries.items()))
    except data.DashboardDataError as exc:
        st.error(str(exc))
        st.stop()


def suppression_note() -> None:
    st.caption(
        f"Publishing rule: {data.publishing_rule()}, is hidden in the marts and shown here as "
        '"suppressed", never as 0.'
    )
