"""The Streamlit script: `streamlit run` it through `python -m smallfirms.dashboard`."""

from __future__ import annotations

import streamlit as st

from smallfirms.dashboard import data
from smallfirms.dashboard.views import cohorts, effects, funnel, satisfaction, targeting

st.set_page_config(page_title="Small-firm recruitment", layout="wide")

PAGES = [
    st.Page(targeting.render, title="Targeting", url_path="targeting", default=True),
    st.Page(cohorts.render, title="Cohorts and balance", url_path="cohorts"),
    st.Page(effects.render, title="Effects", url_path="effects"),
    st.Page(satisfaction.render, title="Satisfaction", url_path="satisfaction"),
    st.Page(funnel.render, title="Service funnel", url_path="funnel"),
]

page = st.navigation(PAGES)
st.sidebar.caption(f"Published marts: `{data.published_path()}` (read-only)")
page.run()
