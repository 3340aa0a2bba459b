"""Real negotiations with known outcomes, for backtesting the models.

- :mod:`.deu`: the DEU data set of EU legislative negotiations (CC BY 4.0),
  read into scenarios with the outcomes kept aside;
- :mod:`.capability`: capability proxies for its actors (equal, GDP, Nice
  votes, population, Lisbon Shapley-Shubik or Banzhaf power);
- :mod:`.power`: voting power indices of games decided by coalition size and
  weight, such as Lisbon's double majority.
"""

from detente.datasets import capability, deu, power

__all__ = ["capability", "deu", "power"]
