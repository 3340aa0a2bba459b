"""Presentation: what the terminal shows of results (the models never print)."""
