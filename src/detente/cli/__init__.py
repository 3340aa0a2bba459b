"""The ``detente`` command: argument handling and printing, nothing else.

One module per group of commands, each the face of one function of the
Python API; :mod:`.common` holds the shared options and error handling.
"""

# Importing a module registers its commands, and ``detente --help`` lists them in
# that order: simulate and sensitivity first.
from detente.cli import simulate  # noqa: F401, I001
from detente.cli import (  # noqa: F401 - registers their commands
    backtest,
    compare,
    forecast,
    plot,
    report,
    runs,
    serve,
    track,
    unanimity,
)
from detente.cli.common import app

__all__ = ["app"]
