"""The JSON API: the library's answers, exactly; every bad input refused with a message."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from detente import Scenario, forecast, load, save
from tests.web.conftest import FLAGSHIP


def flagship_tree() -> dict:
    return load(FLAGSHIP).to_tree()


def no_traceback(response) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


# --- reading scenarios -----------------------------------------------------------


def test_lists_the_library(client: TestClient) -> None:
    listing = client.get("/api/scenarios").json()
    assert listing == [
        {
            "name": "ukraine-2025",
            "file": "ukraine-2025.yaml",
            "format": "yaml",
            "title": load(FLAGSHIP).title,
            "actors": 5,
            "issues": 5,
            "problems": [],
        }
    ]


def test_get_scenario_is_the_yaml_tree(client: TestClient) -> None:
    response = client.get("/api/scenarios/ukraine-2025")
    assert response.status_code == 200
    assert response.json() == flagship_tree()


def test_unknown_scenario_is_404_with_a_message(client: TestClient) -> None:
    response = client.get("/api/scenarios/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "no scenario named 'nothing-here'"}


def test_unknown_run_is_404_without_the_store_path(client: TestClient) -> None:
    store_url = client.app.state.store.url  # type: ignore[attr-defined]
    for response in (
        client.get("/api/runs/99999"),
        client.post("/api/runs/99999/report"),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "no run 99999"}
        # Neither where the database lives nor a command the visitor cannot run.
        for leak in (store_url, "sqlite", "runs.sqlite", "detente runs"):
            assert leak not in response.text


@pytest.mark.parametrize(
    "name",
    [
        "..%2Fsecret",
        "%2E%2E%2Fsecret",
        "..%5Csecret",
        "..",
        "...",
        ".secret",
        "%2Fetc%2Fpasswd",
        "library%2F..%2F..%2Fsecret",
        "secret%00",
    ],
)
def test_names_never_leave_the_library(client: TestClient, name: str) -> None:
    # ROOT/secret.yaml is a valid scenario one level above the library.
    for url in (f"/api/scenarios/{name}", f"/api/scenarios/{name}/download?format=yaml"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Actors, issues and stances" not in response.text
        no_traceback(response)


def test_save_refuses_names_that_would_leave_the_library(client: TestClient, library: Path) -> None:
    for name in ("..%2Fevil", "..%5Cevil", "%2E%2E%2Fevil", "a..b", ".hidden"):
        response = client.put(f"/api/scenarios/{name}", json={"scenario": flagship_tree()})
        assert response.status_code in (404, 422), name
        no_traceback(response)
    assert not (library.parent / "evil.yaml").exists()
    assert sorted(p.name for p in library.iterdir()) == ["ukraine-2025.yaml"]


def test_a_link_out_of_the_library_is_not_followed(tmp_path: Path) -> None:
    from tests.web.conftest import make_client

    with make_client(tmp_path) as c:
        (tmp_path / "library" / "linked.yaml").symlink_to(tmp_path / "secret.yaml")
        assert c.get("/api/scenarios/linked").status_code == 404
        assert [e["name"] for e in c.get("/api/scenarios").json()] == ["ukraine-2025"]


# --- uploads ---------------------------------------------------------------------


def upload(client: TestClient, files: dict[str, tuple[str, bytes]]):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/scenarios",
        files={
            field: (name, data, "application/octet-stream") for field, (name, data) in files.items()
        },
    )


def test_upload_yaml_keeps_it_as_sent(client: TestClient, library: Path) -> None:
    data = FLAGSHIP.read_bytes()
    response = upload(client, {"file": ("my talks.yaml", data)})
    assert response.status_code == 201
    name = response.json()["name"]
    assert name == "my-talks"
    assert (library / "my-talks.yaml").read_bytes() == data  # comments and all
    assert client.get(f"/api/scenarios/{name}").json() == flagship_tree()
    # The same file again gets a new name rather than overwriting.
    assert upload(client, {"file": ("my talks.yaml", data)}).json()["name"] == "my-talks-2"


def test_upload_xlsx_and_csv_tables(client: TestClient, tmp_path: Path) -> None:
    # An upload holds what `detente load` reads from the same files.
    scenario = load(FLAGSHIP)
    save(scenario, tmp_path / "book.xlsx")
    response = upload(client, {"file": ("book.xlsx", (tmp_path / "book.xlsx").read_bytes())})
    assert response.status_code == 201, response.text
    expected = load(tmp_path / "book.xlsx").to_tree()
    assert client.get(f"/api/scenarios/{response.json()['name']}").json() == expected

    written = save(scenario, tmp_path / "t.csv")
    assert [p.name for p in written] == ["t.csv", "t.issues.csv", "t.meta.csv", "t.variants.csv"]
    files = {"file": ("t.csv", written[0].read_bytes())}
    for path in written[1:]:
        files[path.name.split(".")[1]] = (path.name, path.read_bytes())
    expected = load(tmp_path / "t.csv").to_tree()
    assert expected == flagship_tree()
    response = upload(client, files)
    assert response.status_code == 201, response.text
    assert client.get(f"/api/scenarios/{response.json()['name']}").json() == expected

    # Without its meta table, the title is the file's name.
    del files["meta"], files["variants"]
    response = upload(client, files)
    assert response.status_code == 201, response.text
    tree = client.get(f"/api/scenarios/{response.json()['name']}").json()
    assert tree["title"] == "t"
    assert tree["actors"] == expected["actors"]


def test_upload_broken_csv_names_row_and_column(client: TestClient, library: Path) -> None:
    actors = b"id,capability,x.position,x.salience\nA,lots,50,0.5\nB,20,150,0.5\n"
    issues = b"id,scale_low,scale_high\nx,0,100\n"
    before = sorted(library.iterdir())
    response = upload(client, {"file": ("bad.csv", actors), "issues": ("bad.issues.csv", issues)})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "the scenario was refused"
    texts = [p["text"] for p in body["problems"]]
    # Every problem at once: the unreadable cell and, in another row, a position off the scale.
    assert texts == [
        "bad.csv: row 2, column 'capability': 'lots' is not a number "
        "(fix: write a number, e.g. 50)",
        "bad.csv: row 3 (actor 'B') › positions.x: position value 150 lies outside [0, 100] "
        "(fix: positions lie on the issue's scale)",
    ]
    no_traceback(response)
    assert sorted(library.iterdir()) == before


def test_upload_csv_without_its_issues_table(client: TestClient) -> None:
    response = upload(client, {"file": ("alone.csv", b"id,capability\nA,1\n")})
    assert response.status_code == 422
    assert "alone.issues.csv: missing" in response.json()["problems"][0]["text"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.exe", b"MZ", "unknown scenario format '.exe'"),
        ("x", b"title: t", "unknown scenario format '(no extension)'"),
        ("x.yaml", b"title: [unclosed", "malformed YAML"),
        ("x.yaml", b"- just\n- a list\n", "the file does not hold a scenario"),
        ("x.yaml", b"\xff\xfe\x00garbage", "not UTF-8 text"),
        ("x.xlsx", b"not a zip at all", "not an .xlsx workbook"),
        ("x.yaml", b"!!python/object/apply:os.system ['touch pwned']\n", "malformed YAML"),
    ],
)
def test_upload_refusals(client: TestClient, name: str, data: bytes, message: str) -> None:
    response = upload(client, {"file": (name, data)})
    assert response.status_code == 422
    assert message in response.json()["problems"][0]["text"]
    no_traceback(response)
    assert not Path("pwned").exists()


def test_upload_of_issues_with_a_yaml_file_is_refused(client: TestClient) -> None:
    files = {"file": ("x.yaml", FLAGSHIP.read_bytes()), "issues": ("x.issues.csv", b"id\nx\n")}
    response = upload(client, files)
    assert response.status_code == 422
    assert (
        "an issues table goes only with a .csv scenario" in response.json()["problems"][0]["text"]
    )


def test_upload_too_large(client: TestClient, library: Path) -> None:
    before = sorted(library.iterdir())
    big = b"# padding\n" * 110_000 + FLAGSHIP.read_bytes()  # over 1 MB
    response = upload(client, {"file": ("big.yaml", big)})
    assert response.status_code == 413
    assert "over this server's limit of 1,000,000 bytes" in response.json()["error"]
    assert sorted(library.iterdir()) == before


def test_upload_too_large_without_a_length_header(client: TestClient) -> None:
    # A chunked body has no Content-Length: the limit is counted as it arrives.
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(30):
            yield b"x" * 50_000

    response = client.post(
        "/api/validate", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_workbook_that_unpacks_to_too_much(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 51_000_000)
    assert len(buffer.getvalue()) < 1_000_000
    response = upload(client, {"file": ("bomb.xlsx", buffer.getvalue())})
    assert response.status_code == 422
    assert "unpacks to 51,000,000 bytes" in response.json()["problems"][0]["text"]


def test_upload_name_is_made_safe(client: TestClient, library: Path) -> None:
    response = upload(client, {"file": ("../../evil name.yaml", FLAGSHIP.read_bytes())})
    assert response.status_code == 201
    assert response.json()["name"] == "evil-name"
    assert (library / "evil-name.yaml").is_file()
    assert not (library.parent.parent / "evil name.yaml").exists()


# --- validating, saving, exporting ------------------------------------------------


def test_validate_points_at_the_cell(client: TestClient) -> None:
    tree = flagship_tree()
    tree["actors"][1]["salience"]["territory"] = 1.5  # RU, issue 0
    tree["actors"][0]["capability"] = "lots"  # US
    tree["issues"][2]["status_quo"] = 120  # guarantees
    body = client.post("/api/validate", json={"scenario": tree}).json()
    assert body["ok"] is False
    keys = {p["key"] for p in body["problems"]}
    # Every problem at once: the wrong type and the range checks of what parsed.
    assert keys == {"a0-capability", "a1-sal-0", "i2-status_quo"}
    tree["actors"][0]["capability"] = 100
    body = client.post("/api/validate", json={"scenario": tree}).json()
    assert {p["key"] for p in body["problems"]} == {"a1-sal-0", "i2-status_quo"}
    assert client.post("/api/validate", json={"scenario": flagship_tree()}).json() == {
        "ok": True,
        "problems": [],
        "summary": "5 actors, 5 issues",
        "counts": {"actors": 5, "issues": 5},
    }


def test_save_writes_yaml_and_refuses_an_invalid_tree(client: TestClient, library: Path) -> None:
    tree = flagship_tree()
    tree["actors"][1]["capability"] = 20
    response = client.put("/api/scenarios/edited", json={"scenario": tree})
    assert response.status_code == 200
    assert response.json() == {"name": "edited", "file": "edited.yaml"}
    assert yaml.safe_load((library / "edited.yaml").read_text(encoding="utf-8")) == tree
    saved = (library / "edited.yaml").read_text(encoding="utf-8")
    tree["actors"][1]["capability"] = -1
    response = client.put("/api/scenarios/edited", json={"scenario": tree})
    assert response.status_code == 422
    assert "must be greater than 0" in response.json()["problems"][0]["text"]
    assert (library / "edited.yaml").read_text(encoding="utf-8") == saved


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
def test_download_is_what_save_writes(client: TestClient, tmp_path: Path, fmt: str) -> None:
    response = client.get(f"/api/scenarios/ukraine-2025/download?format={fmt}")
    assert response.status_code == 200
    suffix = {"yaml": ".yaml", "csv": ".csv.zip", "xlsx": ".xlsx"}[fmt]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="ukraine-2025{suffix}"'
    )
    written = save(load(FLAGSHIP), tmp_path / f"ukraine-2025.{fmt}")
    got = tmp_path / "got"
    got.mkdir()
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert sorted(archive.namelist()) == sorted(p.name for p in written)
            archive.extractall(got)
    else:
        (got / written[0].name).write_bytes(response.content)
    assert load(got / written[0].name).to_tree() == load(written[0]).to_tree()
    if fmt != "xlsx":  # a workbook holds its time of writing
        for path in written:
            assert (got / path.name).read_bytes() == path.read_bytes()


def test_export_of_the_editors_tree(client: TestClient) -> None:
    tree = flagship_tree()
    tree["title"] = "What if"
    response = client.post("/api/export", json={"scenario": tree, "format": "yaml", "name": "w"})
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == tree
    tree["actors"] = []
    response = client.post("/api/export", json={"scenario": tree, "format": "xlsx"})
    assert response.status_code == 422


# --- running -----------------------------------------------------------------------


def cli_json(*args, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(forecast(*args, **kwargs).to_json())


def test_forecast_by_name_is_the_cli_json(client: TestClient) -> None:
    response = client.post("/api/forecast", json={"scenario": "ukraine-2025", "model": "all"})
    assert response.status_code == 200
    assert response.json() == cli_json(FLAGSHIP, model="all")
    run_id = int(response.headers["x-detente-run"])
    assert client.get(f"/api/runs/{run_id}").json()["result"] == response.json()


def test_forecast_of_a_tree_with_preset_and_params(client: TestClient) -> None:
    tree = flagship_tree()
    tree["actors"][2]["at_table"] = True  # Ukraine gets a seat
    body = {"scenario": tree, "model": "eu", "preset": "scholz2011", "params": {"rounds": 4}}
    response = client.post("/api/forecast", json=body)
    assert response.status_code == 200
    expected = cli_json(
        Scenario.from_tree(tree), model="eu", preset="scholz2011", params={"rounds": 4}
    )
    assert response.json() == expected
    assert len(response.json()["models"]["eu"]["rounds"]) == 5


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"scenario": "ukraine-2025", "model": "oracle"}, 400, "unknown model 'oracle'"),
        ({"scenario": "ukraine-2025", "model": "eu", "preset": "x"}, 400, "has no preset 'x'"),
        (
            {"scenario": "ukraine-2025", "model": "eu", "params": {"q": "high"}},
            400,
            "bad parameter",
        ),
        (
            {"scenario": "ukraine-2025", "model": "median", "params": {"q": 1}},
            400,
            "has no parameter",
        ),
        ({"scenario": "nowhere"}, 404, "no scenario named 'nowhere'"),
        ({"scenario": {"title": "t"}}, 422, "the scenario was refused"),
        ({"scenario": "ukraine-2025", "extra": 1}, 422, "the request was refused"),
        ({"model": "median"}, 422, "the request was refused"),
        ({"scenario": "ukraine-2025", "model": ["median"]}, 422, "the request was refused"),
    ],
)
def test_forecast_refusals(client: TestClient, body: dict, status: int, message: str) -> None:
    response = client.post("/api/forecast", json=body)
    assert response.status_code == status
    assert message in json.dumps(response.json())
    no_traceback(response)


def test_not_json_at_all(client: TestClient) -> None:
    response = client.post(
        "/api/forecast", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "the request was refused"


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/scenarios", "/api/scenarios/{name}", "/api/forecast", "/api/jobs"):
        assert path in paths
    assert "requestBody" in paths["/api/scenarios"]["post"]
    assert client.get("/docs").status_code == 404  # its page would load from a CDN


def test_an_internal_error_is_a_message(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(client.app.state.library, "entries", broken)  # type: ignore[attr-defined]
    response = client.get("/api/scenarios")
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal error (RuntimeError); the server's log has details"
    }
    page = client.get("/")
    assert page.status_code == 500
    assert "internal error (RuntimeError)" in page.text
    no_traceback(page)


# --- saving never replaces a scenario unasked ----------------------------------------


def test_save_as_an_existing_name_is_refused_unless_asked(
    client: TestClient, library: Path
) -> None:
    flagship = (library / "ukraine-2025.yaml").read_bytes()
    tree = flagship_tree()
    tree["title"] = "Another scenario"
    # The editor's "Save as" under the flagship's name (from a new scenario, say).
    refused = client.put("/api/scenarios/ukraine-2025", json={"scenario": tree})
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "a scenario named 'ukraine-2025' exists already (ukraine-2025.yaml)"
    (problem,) = body["problems"]
    assert problem["fix"] == "choose another name, or replace it (the API: PUT with replace=true)"
    assert (library / "ukraine-2025.yaml").read_bytes() == flagship
    # Also under the file's own name, and under a name that only a CSV holds.
    assert (
        client.put("/api/scenarios/ukraine-2025.yaml", json={"scenario": tree}).status_code == 409
    )
    save(load(FLAGSHIP), library / "tabled.csv")
    try:
        assert client.put("/api/scenarios/tabled", json={"scenario": tree}).status_code == 409
    finally:
        for path in library.glob("tabled*"):
            path.unlink()
    # A new name is saved at once; saving it again needs replace=true.
    assert client.put("/api/scenarios/another", json={"scenario": tree}).status_code == 200
    tree["title"] = "Changed"
    assert client.put("/api/scenarios/another", json={"scenario": tree}).status_code == 409
    replaced = client.put("/api/scenarios/another?replace=true", json={"scenario": tree})
    assert replaced.status_code == 200
    assert load(library / "another.yaml").title == "Changed"
    (library / "another.yaml").unlink()


def test_saving_over_its_own_file_keeps_its_comments(client: TestClient, library: Path) -> None:
    path = library / "ukraine-2025.yaml"
    before = path.read_text(encoding="utf-8")
    tree = flagship_tree()
    tree["actors"][1]["capability"] = 20  # RU: {value: 80, low: 65, high: 90} before
    try:
        saved = client.put("/api/scenarios/ukraine-2025?replace=true", json={"scenario": tree})
        assert saved.status_code == 200
        assert saved.json() == {"name": "ukraine-2025", "file": "ukraine-2025.yaml"}
        after = path.read_text(encoding="utf-8")
        changed = [
            (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
        ]
        # One line changes; every comment, quote and folded paragraph stays as written.
        assert changed == [("    capability: {value: 80, low: 65, high: 90}", "    capability: 20")]
        assert "# Russia holds Crimea and roughly three quarters" in after
        assert load(path).to_tree() == Scenario.from_tree(tree).to_tree()
    finally:
        path.write_text(before, encoding="utf-8")


def test_a_name_given_with_its_extension_is_the_name(client: TestClient, library: Path) -> None:
    saved = client.put("/api/scenarios/x.yaml", json={"scenario": flagship_tree()})
    assert saved.status_code == 200
    assert saved.json() == {"name": "x", "file": "x.yaml"}
    assert (library / "x.yaml").is_file()
    assert not (library / "x.yaml.yaml").exists()
    assert client.get("/api/scenarios/x.yaml").json() == client.get("/api/scenarios/x").json()
    (library / "x.yaml").unlink()


# --- what the API promises --------------------------------------------------------------


@pytest.mark.parametrize("model", ["", " ", " , ", "eu,"])
def test_an_empty_model_is_refused(client: TestClient, model: str) -> None:
    before = len(client.get("/api/runs").json())
    response = client.post("/api/forecast", json={"scenario": "ukraine-2025", "model": model})
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["where"] == "model"
    assert "should match pattern" in problem["message"]
    assert len(client.get("/api/runs").json()) == before  # no run saved


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/api/forecast", "POST"),
        ("DELETE", "/api/scenarios", "GET, HEAD, POST"),
        ("TRACE", "/api/scenarios/ukraine-2025", "GET, HEAD, PUT"),
        ("PATCH", "/api/jobs/x", "DELETE, GET, HEAD"),
        ("TRACE", "/", "GET, HEAD"),
        ("POST", "/static/app.css", "GET, HEAD"),
    ],
)
def test_a_method_not_answered_says_which_are(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


@pytest.mark.parametrize("path", ["/", "/runs", "/api/scenarios", "/static/app.css"])
def test_head_answers_as_get_without_the_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize(
    ("path", "content", "content_type"),
    [
        ("/api/validate", b"\xff\xfe{\x00", "application/json"),
        ("/api/forecast", b"{not json", "application/json"),
        ("/api/scenarios", b"--x\r\nbroken", "multipart/form-data"),
        (
            "/api/scenarios",
            b"--x\r\nContent-Disposition: form-data\r\n",
            "multipart/form-data; boundary=x",
        ),
    ],
)
def test_an_unreadable_body_is_refused_with_its_problem(
    client: TestClient, path: str, content: bytes, content_type: str
) -> None:
    response = client.post(path, content=content, headers={"Content-Type": content_type})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "the request was refused"
    assert body["problems"] and all(p["file"] == "request" for p in body["problems"])
    no_traceback(response)


def test_openapi_types_what_it_takes_and_gives(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    # A YAML download is declared as YAML holding a scenario; xlsx and zip as files.
    content = paths["/api/scenarios/{name}/download"]["get"]["responses"]["200"]["content"]
    assert content["application/yaml"]["schema"] == {"$ref": "#/components/schemas/Scenario"}
    assert content["application/zip"]["schema"] == {"type": "string", "format": "binary"}
    assert "application/json" not in content
    # The scenario in a request has the scenario's schema, not "any object".
    scenario = schemas["ScenarioRequest"]["properties"]["scenario"]
    assert scenario["required"] == ["title", "issues", "actors"]
    assert scenario["additionalProperties"] is False
    capability = schemas["Actor"]["properties"]["capability"]
    assert capability == {"anyOf": [{"type": "number"}, {"$ref": "#/components/schemas/Estimate"}]}
    # Every refusal an operation answers is listed, with the body it has.
    forecast = paths["/api/forecast"]["post"]["responses"]
    assert set(forecast) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "421",
        "422",
        "429",
        "504",
    }
    assert forecast["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Refusal"
    }
    assert "Retry-After" in forecast["429"]["headers"]
    assert "HTTPValidationError" not in json.dumps(document)
