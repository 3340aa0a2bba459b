"""Capability proxies: figures, sources, the Commission and Parliament rule."""

from __future__ import annotations

import pytest

from detente.datasets import deu
from detente.datasets.capability import PROXIES, capability, figures, proxy_names
from detente.errors import ParameterError
from tests.conftest import DATA

STATES = [a for a in figures() if a not in ("com", "ep")]


def test_figures_have_the_28_member_states() -> None:
    assert len(STATES) == 28
    votes = [float(figures()[a]["nice_votes"]) for a in STATES]
    # Nice treaty, EU-28 (Protocol No 36, Art. 3(3)): 352 votes, 29 for the largest.
    assert sum(votes) == 352
    assert max(votes) == 29 and min(votes) == 3


def test_institutions_get_the_largest_member_state() -> None:
    actors = ["com", "ep", "de", "mt"]
    for proxy in PROXIES:
        cap = capability(proxy, actors)
        assert cap["com"] == cap["ep"] == max(capability(proxy, STATES).values())
    assert capability("population", actors)["com"] == 80_780_000


def test_gdp_row_of_the_shared_file_is_the_shipped_one() -> None:
    data = deu.read(DATA / "deu" / "deu3.tsv")
    assert data.gdp is not None
    shipped = capability("gdp", list(data.gdp))
    assert shipped == pytest.approx(data.gdp)
    # The file's row gives the Commission and Parliament Germany's GDP.
    assert data.gdp["com"] == data.gdp["ep"] == data.gdp["de"] == 4.1


def test_power_proxies_sum_to_one_over_the_council() -> None:
    for proxy in ("shapley", "banzhaf"):
        assert sum(capability(proxy, STATES).values()) == pytest.approx(1.0)


def test_bad_proxy_and_unknown_actor() -> None:
    with pytest.raises(ParameterError, match="valid proxies: equal, gdp"):
        capability("seats", ["de"])
    with pytest.raises(ParameterError, match="no figure for actor"):
        capability("votes", ["de", "no"])
    assert capability("equal", ["de", "no"]) == {"de": 1.0, "no": 1.0}
    assert proxy_names("all") == list(PROXIES)
    assert proxy_names("gdp, equal,gdp") == ["gdp", "equal"]
    with pytest.raises(ParameterError):
        proxy_names("gdp,seats")
