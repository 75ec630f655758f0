"""One module per dashboard page, each with a `render()` that Streamlit's navigation calls."""
