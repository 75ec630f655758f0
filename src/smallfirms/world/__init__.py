"""The synthetic world, second version: one module per family of raw tables, a thin CLI."""
