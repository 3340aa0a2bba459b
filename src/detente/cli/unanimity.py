"""``detente backtest unanimity``: the models on DEU's unanimity issues, with and
without the Council's vetoes (:mod:`detente.unanimity`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from detente.cli.backtest import (
    BootstrapOpt,
    DeuFileArg,
    SchedulerOpt,
    WorkersOpt,
    backtest_app,
    run_on_deu,
)
from detente.cli.common import JsonOpt, emit, guarded, out
from detente.unanimity import MODES, Unanimity, unanimity_backtest


def _interval(ci: tuple[float, float], sign: str = "") -> str:
    return f"[{ci[0]:{sign}.1f}, {ci[1]:{sign}.1f}]"


def print_unanimity(result: Unanimity, console: Console) -> None:
    """One table per subset: MAE without and with ratification, issue by issue and by
    package, with the paired interval of each difference (the MAEs' own intervals are
    in the JSON)."""
    data = result.data
    console.print(
        f"DEU unanimity: {len(data.issues)} issues in {len(data.proposals)} proposals, "
        f"{result.with_rp} with a reference point; capability {result.capability}",
        highlight=False,
    )
    for subset, label in (("all", "every unanimity issue"), ("with_rp", "with a reference point")):
        table = Table(
            title=f"MAE (0-100), {label}: without and with the member states' vetoes",
            title_justify="left",
        )
        table.add_column("model")
        table.add_column("vetoes on")
        for head in ("n", "without", "with", "difference", "rejected"):
            table.add_column(head, justify="right")
        for name in result.models:
            for mode in MODES:
                s = result.scores[name, mode, subset]
                table.add_row(
                    name,
                    "each issue" if mode == "issue" else "the package",
                    str(s.n),
                    f"{s.mae_without:.1f}",
                    f"{s.mae_with:.1f}",
                    f"{s.difference:+.1f} {_interval(s.difference_ci, '+')}",
                    f"{s.rejected_share:.0%}",
                )
        console.print(table)
    console.print(
        "with: each forecast moved to the nearest package every member state accepts "
        "against the reference point (issue: each issue alone; package: a proposal's "
        "issues together). difference: with minus without, paired 95% interval over "
        "resampled proposals. rejected: share of issues whose forecast some member state "
        "rejects (the issue's, or its proposal's package). Issues without a reference point "
        "cannot be judged and keep their forecast.",
        highlight=False,
    )
    shares = result.outcome_rejected
    console.print(
        f"The recorded outcome itself fails the rule on {shares['issue']:.0%} of the issues "
        f"with a reference point issue by issue, {shares['package']:.0%} as packages.",
        highlight=False,
    )


@backtest_app.command()
def unanimity(
    file: DeuFileArg = None,
    models: Annotated[
        str | None, typer.Option("--models", "-m", help="models, comma-separated (default: all)")
    ] = None,
    capability: Annotated[
        str, typer.Option("--capability", "-c", help="one capability proxy (see backtest deu)")
    ] = "equal",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    bootstrap: BootstrapOpt = 2000,
    seed: Annotated[int, typer.Option(help="seed of the bootstrap")] = 0,
    json: JsonOpt = False,
) -> None:
    """Every model on DEU's unanimity issues, with and without ratification."""
    arguments = dict(locals())

    def act() -> None:
        result = run_on_deu(unanimity_backtest, arguments)
        emit(result, json, lambda: print_unanimity(result, out))

    guarded(act)
