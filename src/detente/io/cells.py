"""Text cells of CSV files that a spreadsheet will open: formulas kept out, separators found.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``):
CSV injection (OWASP). Every CSV detente writes passes its text cells through
:func:`protect`, which puts an apostrophe before such a text, as a
spreadsheet user would to keep it text; numbers are written as they are
(``-50`` is a position, not a formula). :func:`unprotect` takes the
apostrophe off again on reading, so a round trip gives back every text
exactly: a text that itself begins with apostrophes and then one of those
characters gets one apostrophe more, and loses it on reading.

>>> protect("=1+1"), protect("-x"), protect("'=a"), protect("plain")
("'=1+1", "'-x", "''=a", 'plain')
>>> all(unprotect(protect(t)) == t for t in ["=1+1", "'=a", "''@b", "'", "a=b", ""])
True
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = "=+-@\t\r"
_NEEDS_GUARD = re.compile(rf"'*[{re.escape(FORMULA_START)}]")
_GUARDED = re.compile(rf"'+[{re.escape(FORMULA_START)}]")
#: Separators a CSV table may use: what detente writes, and what spreadsheets
#: write in locales with a decimal comma (``;``) or as "tab-separated" text.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def protect(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs as a formula."""
    return "'" + text if _NEEDS_GUARD.match(text) else text


def unprotect(cell: str) -> str:
    """The text a cell written by :func:`protect` holds."""
    return cell[1:] if _GUARDED.match(cell) else cell


def separator(header: str) -> str:
    """The separator of a CSV table, guessed from its header line.

    Header cells are ids and column names, which hold no separator: the one
    that occurs most is the table's (a comma when none occurs).

    >>> separator("id;name;capability"), separator("id,name"), separator("id")
    (';', ',', ',')
    """
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","
