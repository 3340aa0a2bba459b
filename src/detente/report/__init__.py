"""Charts and briefing reports, in English and Chinese.

:mod:`.charts` draws PNG/SVG charts from results (needs ``detente[viz]``);
:mod:`.html` writes one self-contained HTML briefing; :mod:`.messages` holds
every word they print, in each language.
"""
