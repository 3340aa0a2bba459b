"""KTAB's CSV and XML scenario files: reading, sniffing, and KTAB's refusals."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente import load, save
from detente.cli import app
from detente.errors import ScenarioError
from detente.io import ktab
from tests.conftest import DATA

KTAB = DATA / "ktab"

HEAD = "Actor,Description,Power,Pos A,Sal A,Pos B,Sal B,\n"
ROWS = [
    "A1,First,10,20,30,40,50,\n",
    "A2,Second,20,60,30,70,20,\n",
    "A3,Third,30,80,10,10,10,\n",
]


def write(
    tmp_path: Path,
    first: str = "Scen,Test scenario,3,2,\n",
    head: str = HEAD,
    rows: list[str] | None = None,
    name: str = "s.csv",
) -> Path:
    path = tmp_path / name
    path.write_text(first + head + "".join(ROWS if rows is None else rows), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load(path)
    return str(info.value)


def test_reads_dummy_data_3dim() -> None:
    s = load(KTAB / "dummyData_3Dim.csv")
    assert s.title == "DummyData_3Dim"
    assert (
        s.source == "Dummy scenario to test reading format (KTAB scenario file dummyData_3Dim.csv)"
    )
    assert s.issue_ids == ["Pstn1", "Pstn2", "Pstn3"]
    assert all(i.scale == (0.0, 100.0) and i.status_quo is None for i in s.issues)
    assert s.actor_ids == [f"SActor-0{i}" for i in range(7)]
    a0 = s.actor("SActor-00")
    # Every description is "Random Spatial Actor": they do not tell actors apart.
    assert a0.name is None and a0.notes == "Random Spatial Actor"
    assert a0.capability.value == 102.543
    assert a0.positions["Pstn1"].value == 75.79  # type: ignore[union-attr]
    assert a0.salience["Pstn1"].value == pytest.approx(0.4953)  # type: ignore[union-attr]
    assert s.model_params is None


def test_issue_names_keep_the_header_and_ids_are_sanitised() -> None:
    s = load(KTAB / "SOE-Pol-Comp.csv")
    assert s.issue_ids == ["Policy_Position", "Competitive_Position"]
    assert [i.name for i in s.issues] == ["Policy Position", "Competitive Position"]
    # Distinct descriptions become the actors' names.
    assert s.actor("XJ").name == "Xi Jinping"


def test_every_shipped_file_loads() -> None:
    for path in sorted(KTAB.glob("*.csv")) + sorted(KTAB.glob("*.xml")):
        s = load(path)
        assert s.actors and s.issues


def test_xml_matches_csv_and_carries_model_parameters() -> None:
    csv, xml = load(KTAB / "dummyData_3Dim.csv"), load(KTAB / "dummyData_3Dim.xml")
    assert csv.to_arrays().positions.tolist() == xml.to_arrays().positions.tolist()
    assert csv.to_arrays().salience.tolist() == xml.to_arrays().salience.tolist()
    assert xml.model_params == {"smp": {"seed": 3707583219545544125}}
    example = load(KTAB / "smpExample.xml")
    assert example.model_params is not None
    params = example.model_params["smp"]
    assert params["pce_model"] == "MarkovIncentive" and params["voting_rule"] == "PropCbc"
    assert params["state_transitions"] == "Stochastic"
    assert params["ideal_adjustment"] == {
        "Alice": {"Alice": 0.87},
        "Bob": {"Bob": 0.75, "Alice": 0.07},
        "Carol": {"Carol": 0.65, "David": 0.13},
        "David": {"David": 0.57},
    }


def test_model_parameters_survive_yaml(tmp_path: Path) -> None:
    example = load(KTAB / "smpExample.xml")
    save(example, tmp_path / "x.yaml")
    again = load(tmp_path / "x.yaml")
    assert again.model_params == example.model_params
    assert again.to_tree() == example.to_tree()


def test_sniffing_keeps_the_wide_csv(tmp_path: Path) -> None:
    # A detente table (X.csv + X.issues.csv + X.meta.csv) still loads as one.
    flagship = load("examples/ukraine-2025.yaml")
    save(flagship, tmp_path / "u.csv")
    assert not ktab.is_ktab_csv(tmp_path / "u.csv")
    assert load(tmp_path / "u.csv").actor_ids == flagship.actor_ids
    assert ktab.is_ktab_csv(KTAB / "dummyData_6Dim.csv")  # "Combined,...,27,6,0,,,"


def test_minicsv_quoting(tmp_path: Path) -> None:
    # Quotes protect commas, $$ stands for a comma, blank lines are skipped, no final comma.
    first = '"Scen, quoted",Desc $$ more,3,2\n\n'
    rows = ['"A,1",First,10,20,30,40,50\n', *ROWS[1:]]
    s = load(write(tmp_path, first=first, rows=rows))
    assert s.title == "Scen, quoted"
    assert s.source is not None and s.source.startswith("Desc , more")
    assert s.actor_ids[0] == "A,1"


def test_duplicate_and_empty_dimension_names(tmp_path: Path) -> None:
    head = "Actor,Description,Power,A B,Sal,A_B,Sal,\n"
    assert load(write(tmp_path, head=head)).issue_ids == ["A_B", "A_B_2"]
    head = "Actor,Description,Power,,Sal,!,Sal,\n"
    assert load(write(tmp_path, head=head)).issue_ids == ["dim1", "_"]


def test_actors_sharing_a_name_get_distinct_ids(tmp_path: Path) -> None:
    # KTAB tells actors apart by their row; ids must be unique, so later ones get a suffix.
    rows = ["A.1,First,10,20,30,40,50,\n", "A_1,Second,20,60,30,70,20,\n", ROWS[2]]
    assert [a.id for a in load(write(tmp_path, rows=rows)).actors] == ["A_1", "A_1_2", "A3"]
    rows = [ROWS[0], ROWS[0].replace("First", "Again"), ROWS[2]]
    assert [a.id for a in load(write(tmp_path, rows=rows)).actors] == ["A1", "A1_2", "A3"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A1,First,10,20,30,40,80,\n", "total salience must not be more than 100%"),
        ("A1,First,10,120,30,40,50,\n", "out-of-bounds position"),
        ("A1,First,10,20,-3,40,50,\n", "valid range of salience"),
        ("A1,First,-1,20,30,40,50,\n", "negative capability is not possible"),
        ("A1,First,0,20,30,40,50,\n", "KTAB accepts an actor without clout"),
        ("A1,First,2e8,20,30,40,50,\n", "upper limit of capability"),
        (
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ,First,10,20,30,40,50,\n",
            "name is either not there or too long",
        ),
        (" ,First,10,20,30,40,50,\n", "name is either not there or too long"),
        ("A1,First,ten,20,30,40,50,\n", "column 'Power': 'ten' is not a number"),
        ("A1,First,10,20,30,\n", "fields where 7 are needed"),
    ],
)
def test_csv_refusals_give_ktab_reasons(tmp_path: Path, row: str, reason: str) -> None:
    message = refused(write(tmp_path, rows=[row, *ROWS[1:]]))
    assert reason in message and "line 3" in message


def test_csv_refuses_bad_counts(tmp_path: Path) -> None:
    assert "invalid number of dimensions" in refused(write(tmp_path, first="S,D,3,0,\n"))
    assert "3 actors but 2 actor rows" in refused(write(tmp_path, rows=ROWS[:2]))
    assert "position/salience pairs" in refused(
        write(tmp_path, head="Actor,Description,Power,Pos A,Sal A\n")
    )
    path = tmp_path / "k.csv"
    path.write_text("S,D,x,2\n" + HEAD + "".join(ROWS))
    with pytest.raises(ScenarioError, match="numActors, numDims"):
        ktab.read_csv(path)


def test_few_actors_warn_but_load(tmp_path: Path) -> None:
    path = write(tmp_path, first="S,D,2,2,\n", rows=ROWS[:2])
    with pytest.warns(ktab.KTABWarning, match="fewer than 3 or more than 250"):
        s = load(path)
    assert len(s.actors) == 2
    with pytest.warns(ktab.KTABWarning, match="ignored"):
        load(write(tmp_path, first="S,D,3,2,\n", rows=[*ROWS, "A4,Extra,5,5,5,5,5,\n"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(write(tmp_path))


XML = """<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>X</name><desc>Y</desc><prngSeed>{seed}</prngSeed>{params}
  <Dimensions><dName>First</dName><dName>Second</dName></Dimensions>
  <Actors>{actors}</Actors>{adjust}
</Scenario>
"""
ACTOR = """<Actor><name>{name}</name><description>D {name}</description>
  <capability>{cap}</capability>
  <Position><dCoord>{x}</dCoord><dCoord>50</dCoord></Position>
  <Salience><dSal>{s}</dSal><dSal>20</dSal></Salience></Actor>"""
PARAMS = """<ModelParameters><VictoryProbModel>Square</VictoryProbModel>
  <PCEModel>Conditional</PCEModel><StateTransitions>Deterministic</StateTransitions>
  <VotingRule>{rule}</VotingRule><BigRAdjust>No</BigRAdjust><BigRRange>Mid</BigRRange>
  <ThirdPartyCommit>SemiCommit</ThirdPartyCommit><InterVecBrgn>S2P2</InterVecBrgn>
  <BargnModel>InitOnlyInterp</BargnModel></ModelParameters>"""


def xml(
    tmp_path: Path,
    seed: str = "12",
    params: str = "",
    adjust: str = "",
    first: dict[str, str] | None = None,
) -> Path:
    actors = [{"name": n, "cap": "10", "x": "30", "s": "40"} for n in ("P", "Q", "R")]
    actors[0].update(first or {})
    text = XML.format(
        seed=seed,
        params=params,
        adjust=adjust,
        actors="".join(ACTOR.format(**a) for a in actors),
    )
    path = tmp_path / "s.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_xml_schema_spellings_are_read(tmp_path: Path) -> None:
    s = load(xml(tmp_path, params=PARAMS.format(rule="Proportional")))
    assert s.model_params == {
        "smp": {
            "seed": 12,
            "victory_prob_model": "Square",
            "pce_model": "Conditional",
            "state_transitions": "Deterministic",
            "voting_rule": "Prop",
            "big_r_adjust": "None",
            "big_r_range": "Mid",
            "third_party_commit": "SemiCommit",
            "inter_vec_bargain": "S2P2",
            "bargain_model": "InitOnlyInterp",
        }
    }


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"seed": "abc"}, "is not a seed"),
        ({"params": PARAMS.format(rule="Majority")}, "unrecognized enum-type name"),
        (
            {"params": "<ModelParameters><PCEModel>Conditional</PCEModel></ModelParameters>"},
            "element VictoryProbModel is missing",
        ),
        ({"first": {"cap": "-1"}}, "capability value can't be negative"),
        ({"first": {"cap": "0"}}, "KTAB accepts an actor without clout"),
        ({"first": {"cap": "x"}}, "invalid xml element-value pair"),
        ({"first": {"s": "90"}}, "total salience must not be more than 100%"),
        ({"first": {"x": "130"}}, "out-of-bounds position"),
        ({"first": {"name": ""}}, "element name is empty"),
        (
            {
                "adjust": "<IdealAdjustment><iaPair><adjustingIdeal>P</adjustingIdeal>"
                "<referencePos>Z</referencePos><adjust>0.1</adjust></iaPair></IdealAdjustment>"
            },
            "actor 'Z' not found",
        ),
        (
            {
                "adjust": "<IdealAdjustment><iaPair><adjustingIdeal>P</adjustingIdeal>"
                "<referencePos>Q</referencePos><adjust>0.1</adjust></iaPair></IdealAdjustment>"
            },
            "sum to 1.1",
        ),
    ],
)
def test_xml_refusals_give_ktab_reasons(tmp_path: Path, kwargs: dict, reason: str) -> None:
    assert reason in refused(xml(tmp_path, **kwargs))


def test_xml_structure_refusals(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<Scenario><name>x</name>")
    assert "malformed XML" in refused(path)
    path.write_text("<Other/>")
    assert "root element 'Scenario' is missing" in refused(path)
    path.write_text(XML.format(seed="1", params="", adjust="", actors=""))
    assert "no Actors/Actor" in refused(path)
    short = ACTOR.format(name="P", cap="1", x="1", s="1").replace("<dCoord>50</dCoord>", "")
    path.write_text(XML.format(seed="1", params="", adjust="", actors=short * 3))
    assert "count of dimensions doesn't match with the Position data" in refused(path)


def test_cli_forecasts_a_ktab_csv() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["forecast", str(KTAB / "dummyData_3Dim.csv"), "--model", "smp", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)["models"]["smp"]
    assert set(out) >= {"forecasts", "gains", "converged", "rounds", "probabilities"}
    assert len(out["rounds"]) == 11 and out["converged"] is True
    assert out["gains"] == dict.fromkeys(out["probabilities"])  # KTAB has no status quo


def test_cli_refuses_with_ktab_reason(tmp_path: Path) -> None:
    path = write(tmp_path, rows=["A1,First,10,20,30,40,80,\n", *ROWS[1:]])
    result = CliRunner().invoke(app, ["forecast", str(path), "--model", "smp"])
    assert result.exit_code == 2
    assert "total salience must not be more than 100%" in result.output


def test_every_refusal_says_how_to_fix_it(tmp_path: Path) -> None:
    rows = ["A1,First,10,20,30,40,x,\n", "A2,Second,20,160,30,70,20,\n", "A3,Third,-1,8,1,1,1,\n"]
    message = refused(write(tmp_path, rows=rows))
    lines = message.splitlines()
    assert len(lines) == 3 and all("(fix: " in line for line in lines), lines
    assert "column 'Sal B': 'x' is not a number" in message


@pytest.mark.parametrize(
    ("encoding", "reason"),
    [
        ("bogus", "unknown encoding: bogus"),
        ("rot13", "not a text encoding"),
        ("shift_jis", "multi-byte encodings are not supported"),
    ],
)
def test_xml_in_an_encoding_that_cannot_be_read(tmp_path: Path, encoding: str, reason: str) -> None:
    # Issue 12, finding 2: an unknown encoding raised LookupError with a traceback.
    path = tmp_path / "s.xml"
    path.write_text(f'<?xml version="1.0" encoding="{encoding}"?><Scenario/>', encoding="ascii")
    with pytest.raises(ScenarioError) as info:
        load(path)
    (problem,) = info.value.problems
    assert problem.where == "line 1 (the XML declaration)"
    assert reason in problem.message and "UTF-8" in problem.fix
