"""The read-only Streamlit dashboard over the published marts (`make dashboard`).

`app.py` is the Streamlit script (one page per view in `views/`), `data.py` reads the published
file and formats its figures, and `python -m smallfirms.dashboard` checks the file and starts
Streamlit bound to 127.0.0.1 with usage statistics off.
"""
