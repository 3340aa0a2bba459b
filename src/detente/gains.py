"""Who wins and who loses against the status quo.

gain_i = sum_k salience_ik * (|q_k - x_ik| - |f_k - x_ik|) / (hi_k - lo_k)

over the issues k that have both a status quo q_k and a forecast f_k
(positive = the forecast is closer to what i wants than the status quo is,
weighted by how much i cares). Positions here are already normalised, so the
division by the scale's width is implicit. An actor not involved in an issue
gains nothing there. Off-table actors are reported like everyone else: the
question "what did Russia win?" applies to those left out most of all.
Positions are those the scenario states, before any influence shifted them
(:attr:`detente.arrays.ScenarioArrays.own_positions`): a gain is measured
against what the actor wants, not what it was pulled to.
"""

from __future__ import annotations

import numpy as np

from detente.arrays import FloatArray, ScenarioArrays


def gains(arrays: ScenarioArrays, forecast: FloatArray) -> FloatArray:
    """Gain of every actor, shape ``(..., n_actors)``; NaN when no issue counts.

    ``forecast`` is normalised, shape ``(..., n_issues)``.
    """
    q = arrays.status_quo
    f = np.asarray(forecast)
    usable = ~np.isnan(q) & ~np.isnan(f)
    x = arrays.own_positions
    delta = np.abs(q[..., None, :] - x) - np.abs(f[..., None, :] - x)
    per_issue = np.where(arrays.involved & np.expand_dims(usable, -2), arrays.salience * delta, 0.0)
    total = per_issue.sum(axis=-1)
    return np.where(np.expand_dims(usable.any(axis=-1), -1), total, np.nan)


def most_gain(arrays: ScenarioArrays) -> FloatArray:
    """The most each actor could gain, shape ``(..., n_actors)``: every issue it is involved
    in (and that has a status quo) landing at its own position (NaN when none counts)."""
    q = arrays.status_quo
    usable = ~np.isnan(q)
    delta = np.abs(q[..., None, :] - arrays.positions)
    per_issue = np.where(arrays.involved & usable[..., None, :], arrays.salience * delta, 0.0)
    return np.where(np.expand_dims(usable.any(axis=-1), -1), per_issue.sum(axis=-1), np.nan)
