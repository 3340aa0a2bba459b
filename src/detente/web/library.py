"""The scenario library: one folder of scenario files, read, written and uploaded safely.

A scenario is known by its *name*, its file's name without the extension
(``ukraine-2025`` for ``ukraine-2025.yaml``). A name is plain text from a
short alphabet (:data:`NAME_PATTERN`: letters, digits, ``_``, ``-`` and inner
dots), so it can never hold a path separator or ``..``; on top of that every
path is resolved and must lie directly in the folder, which also refuses a
symbolic link pointing out of it.

When several files share a name the first format of :data:`PREFERENCE` wins,
so a scenario saved from the editor (always YAML) supersedes the CSV or xlsx
it was made from. Saving never replaces a scenario unasked (:class:`ExistsError`);
asked to, it writes over the scenario's own YAML file keeping its comments
(:mod:`detente.web.roundtrip`).

Uploads are read with the same readers as ``detente load`` (YAML through
PyYAML's safe loader; xlsx through openpyxl, which uses defusedxml when it is
installed, after a check that the workbook does not unpack to more than
:data:`MAX_UNPACKED` bytes), validated, and only then stored: YAML as sent
(comments kept), every other format converted to YAML, losslessly.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from detente import io
from detente.errors import DetenteError, Problem, ScenarioError
from detente.io import decide
from detente.io import yaml as yaml_io
from detente.scenario import Scenario
from detente.web.roundtrip import merged_yaml

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9_-])?$")
PREFERENCE = (".yaml", ".yml", ".xlsx", ".csv", ".decide", ".txt")
#: The tables beside a CSV scenario ``X.csv`` (``X.issues.csv``...): parts of it.
SIBLINGS = ("issues", "meta", "variants")
#: The most an uploaded workbook may unpack to (a guard against zip bombs).
MAX_UNPACKED = 50_000_000
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Entry:
    """One scenario of the library, as listed (``problems`` when it does not load)."""

    name: str
    file: str
    format: str
    title: str | None
    actors: int
    issues: int
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The entry as the library's JSON lists it: every field, under its own name."""
        return asdict(self)


class NotFoundError(LookupError):
    """No scenario of that name (or a name that can never be one)."""


class ExistsError(DetenteError):
    """Saving would replace a scenario, and replacing it was not asked for."""

    def __init__(self, name: str, file: str) -> None:
        super().__init__(f"a scenario named {name!r} exists already ({file})")
        self.name, self.file = name, file


def strip_suffix(name: str, suffixes: tuple[str, ...] = PREFERENCE) -> str:
    """``name`` without a scenario file's extension (``x.yaml`` -> ``x``), if it has one."""
    for suffix in suffixes:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def check_name(name: str) -> str:
    """``name`` if it is a valid scenario name, else :class:`ScenarioError` saying why."""
    if not NAME_PATTERN.match(name) or ".." in name:
        raise ScenarioError(
            [
                Problem(
                    "name",
                    "",
                    f"{name!r} is not a valid scenario name",
                    "use letters, digits, '_', '-' and single inner dots (at most 100)",
                )
            ]
        )
    return name


def safe_name(filename: str) -> str:
    """A valid name made from an uploaded file's name (its stem, unsafe characters as '-')."""
    stem = Path(filename.replace("\\", "/")).name
    for suffix in PREFERENCE:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    stem = re.sub(r"\.{2,}", ".", _UNSAFE.sub("-", stem)).strip(".-")[:100].strip(".-")
    return stem or "scenario"


def _relative(problems: list[Problem], folder: Path) -> list[Problem]:
    """Problems naming files relative to ``folder`` (no server paths shown to users)."""
    prefix = str(folder) + "/"
    return [Problem(p.file.replace(prefix, ""), p.where, p.message, p.fix) for p in problems]


class Library:
    """The scenarios in ``folder`` (created if missing)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        if self.folder.exists() and not self.folder.is_dir():
            raise DetenteError(
                f"--scenarios {folder}: not a folder (fix: name a folder of scenario files, "
                "e.g. --scenarios examples; it is created if missing)"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DetenteError(
                f"--scenarios {folder}: cannot create the folder ({exc.strerror})"
            ) from exc

    def _inside(self, path: Path) -> bool:
        return path.resolve().parent == self.folder

    def _candidates(self, name: str) -> list[Path]:
        return [self.folder / f"{name}{suffix}" for suffix in PREFERENCE]

    def path(self, name: str) -> Path:
        """The file holding scenario ``name``; :class:`NotFoundError` if there is none.

        A file's own name (``x.csv``) names that file, when no scenario is called so.
        """
        if not NAME_PATTERN.match(name) or ".." in name:
            raise NotFoundError(name)
        for path in [*self._candidates(name), self.folder / name]:
            if (
                path.is_file()
                and NAME_PATTERN.match(path.stem)
                and self._inside(path)
                and self._is_scenario_file(path)
            ):
                return path
        raise NotFoundError(name)

    @staticmethod
    def _is_scenario_file(path: Path) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return not path.stem.endswith(tuple(f".{part}" for part in SIBLINGS))
        if suffix == ".txt":
            return decide.sniff(path)
        return suffix in PREFERENCE

    def names(self) -> list[str]:
        """Every scenario name in the folder, sorted."""
        found = set()
        for path in self.folder.iterdir():
            if (
                path.suffix.lower() in PREFERENCE
                and path.is_file()
                and NAME_PATTERN.match(path.stem)
                and self._inside(path)
                and self._is_scenario_file(path)
            ):
                found.add(path.stem)
        return sorted(found)

    def load(self, name: str) -> Scenario:
        """Read and validate scenario ``name`` (problems name files relative to the folder)."""
        path = self.path(name)
        try:
            return io.load(path)
        except ScenarioError as exc:
            raise ScenarioError(_relative(exc.problems, self.folder)) from None

    def entries(self) -> list[Entry]:
        """The library's listing: each scenario with its title and size, or its problems."""
        out = []
        for name in self.names():
            path = self.path(name)
            fmt = path.suffix.lower().lstrip(".")
            try:
                s = self.load(name)
            except ScenarioError as exc:
                out.append(Entry(name, path.name, fmt, None, 0, 0, [str(p) for p in exc.problems]))
                continue
            out.append(Entry(name, path.name, fmt, s.title, len(s.actors), len(s.issues), []))
        return out

    def save(self, name: str, scenario: Scenario, replace: bool = False) -> Path:
        """Write ``scenario`` as scenario ``name`` (``x`` or ``x.yaml``): what the editor saves.

        A scenario of that name is replaced only when ``replace`` is true
        (:class:`ExistsError` otherwise): its YAML file is written over with its
        comments kept; a CSV, xlsx or other file is left as it is and superseded
        by ``NAME.yaml``.
        """
        name = check_name(strip_suffix(name, (".yaml", ".yml")))
        try:
            existing: Path | None = self.path(name)
        except NotFoundError:
            existing = None
        if existing is not None and not replace:
            raise ExistsError(name, existing.name)
        yaml_file = existing is not None and existing.suffix.lower() in (".yaml", ".yml")
        target = existing if existing is not None and yaml_file else self.folder / f"{name}.yaml"
        if target.exists() and not self._inside(target):
            raise NotFoundError(name)
        text = None
        if target.exists():
            try:
                text = merged_yaml(target.read_text(encoding="utf-8"), scenario)
            except (OSError, UnicodeDecodeError):
                text = None
        target.write_text(text or yaml_io.dumps(scenario), encoding="utf-8")
        return target

    def free_name(self, wanted: str) -> str:
        """``wanted``, or ``wanted-2``, ``wanted-3``... the first no file uses yet."""
        name, n = wanted, 1
        while any(p.exists() for p in self._candidates(name)):
            n += 1
            name = f"{wanted[:95]}-{n}"
        return name

    def upload(self, filename: str, data: bytes, tables: dict[str, bytes] | None = None) -> str:
        """Validate an uploaded scenario and store it under a new name; returns the name.

        ``tables`` holds a CSV scenario's sibling tables by part (``issues``,
        ``meta``, ``variants``); without ``meta`` the title is the file's name.
        """
        tables = tables or {}
        name = safe_name(filename)
        suffix = Path(filename).suffix.lower()
        if suffix not in io.READERS:
            raise ScenarioError(
                [
                    Problem(
                        filename,
                        "",
                        f"unknown scenario format {suffix or '(no extension)'!r}",
                        f"upload one of: {', '.join(io.READERS)}",
                    )
                ]
            )
        if suffix != ".csv" and tables:
            raise ScenarioError(
                [
                    Problem(
                        filename,
                        "",
                        f"an {' or '.join(tables)} table goes only with a .csv scenario",
                        "upload the .csv with its issues table, or the file alone",
                    )
                ]
            )
        if suffix == ".xlsx":
            _check_workbook(filename, data)
        with tempfile.TemporaryDirectory(prefix="detente-upload-") as tmp:
            folder = Path(tmp).resolve()
            path = folder / f"{name}{suffix}"
            path.write_bytes(data)
            if suffix == ".csv" and not decide.sniff(path):
                for part, table in {"meta": _meta_csv(name), **tables}.items():
                    (folder / f"{name}.{part}.csv").write_bytes(table)
            try:
                scenario = io.load(path)
            except ScenarioError as exc:
                raise ScenarioError(_relative(exc.problems, folder)) from None
        stored = self.free_name(name)
        target = self.folder / f"{stored}.yaml"
        if suffix in (".yaml", ".yml"):
            target.write_bytes(data)
        else:
            target.write_text(yaml_io.dumps(scenario), encoding="utf-8")
        return stored


def _meta_csv(title: str) -> bytes:
    return f"key,value\ntitle,{title}\n".encode()


def _check_workbook(filename: str, data: bytes) -> None:
    """Refuse a workbook that is not a zip archive or unpacks to too much."""
    import io as bytes_io

    try:
        with zipfile.ZipFile(bytes_io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ScenarioError(
            [
                Problem(
                    filename,
                    "",
                    "not an .xlsx workbook (not a zip archive)",
                    "save it again as .xlsx from your spreadsheet",
                )
            ]
        ) from None
    if unpacked > MAX_UNPACKED:
        raise ScenarioError(
            [
                Problem(
                    filename,
                    "",
                    f"the workbook unpacks to {unpacked:,} bytes, more than {MAX_UNPACKED:,}",
                    "upload a smaller workbook",
                )
            ]
        )
