"""Runs in worker processes: bounded in number and time, cancellable, with progress.

A model run is CPU-bound Python and NumPy that cannot be interrupted from
another thread, so runs go to worker processes, and cancelling a run (or
its time limit) terminates its worker. Workers come from a ``forkserver``
(``spawn`` where there is none) that has imported detente once, so the web
server's threads are never forked, and a worker serves run after run, so a
run starts in milliseconds.

The worker reports through a pipe: ``("progress", done, total, text)``
while it works, then one of ``("done", result, warnings)``, ``("refused", status, error,
problems)`` (input the library refused: 422 with the problems of a
:class:`~detente.errors.ScenarioError`, 400 with the message of any other
:class:`~detente.errors.DetenteError`) or ``("failed", text, traceback)``
(a bug: the traceback goes to the server's log, the user sees one line).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from detente.errors import DetenteError, ScenarioError

log = logging.getLogger("detente.web")

#: Finished runs kept in memory for their pages (older ones are forgotten).
KEEP_FINISHED = 200
FINAL = frozenset({"done", "failed", "cancelled", "timed out"})

Work = Callable[[dict[str, Any], Callable[[int, int, str], None]], dict[str, Any]]


class BusyError(DetenteError):
    """Every worker slot is taken."""


def problem_dicts(exc: DetenteError) -> list[dict[str, str]]:
    """A refusal as JSON: one entry per problem (one for a plain DetenteError)."""
    if isinstance(exc, ScenarioError):
        return [
            {"file": p.file, "where": p.where, "message": p.message, "fix": p.fix, "text": str(p)}
            for p in exc.problems
        ]
    return [{"file": "", "where": "", "message": str(exc), "fix": "", "text": str(exc)}]


def _serve(conn: Connection) -> None:
    """A worker process: run one piece of work after another until the pipe closes."""
    from detente.web.work import WORK

    def progress(done: int, total: int, text: str) -> None:
        conn.send(("progress", done, total, text))

    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result, warnings = WORK[kind](payload, progress)
            conn.send(("done", result, warnings))
        except ScenarioError as exc:
            conn.send(("refused", 422, "the scenario was refused", problem_dicts(exc)))
        except DetenteError as exc:
            conn.send(("refused", 400, str(exc), []))
        except Exception as exc:
            conn.send(("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
        self.process.join(2)


@dataclass
class Job:
    """One run: its state, progress and, once finished, result or refusal."""

    id: str
    kind: str
    payload: dict[str, Any]
    state: str = "running"
    done: int = 0
    total: int = 0
    text: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    run_id: int | None = None
    error: str | None = None
    #: The HTTP status a refusal answers with (see the module docstring).
    status: int = 200
    #: The worker process running it.
    pid: int | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event, repr=False)
    cancel_requested: threading.Event = field(default_factory=threading.Event, repr=False)

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": {"done": self.done, "total": self.total, "text": self.text},
            "started": self.started,
            "finished": self.finished,
            "seconds": round((self.finished or time.time()) - self.started, 3),
        }
        if self.warnings:
            out["warnings"] = self.warnings
        if self.run_id is not None:
            out["run_id"] = self.run_id
        if self.error is not None:
            out["error"] = self.error
        if self.problems:
            out["problems"] = self.problems
        if with_result and self.result is not None:
            out["result"] = self.result
        return out


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # Briefings draw charts in the worker: matplotlib is worth importing once too.
        ctx.set_forkserver_preload(["detente", "detente.web.work", "detente.report.charts"])
    return ctx


class Jobs:
    """At most ``max_running`` runs at once, each stopped after ``max_seconds``.

    Worker processes are started on demand and kept for the next run (at most
    ``max_running`` of them); one whose run is cancelled or overruns is
    terminated, and a fresh one takes its place when needed.
    """

    def __init__(self, max_running: int = 2, max_seconds: float = 300.0) -> None:
        self.max_running = max_running
        self.max_seconds = max_seconds
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._ctx = _context()
        self.on_done: list[Callable[[Job], None]] = []

    def warm(self) -> None:
        """Start one worker now, in the background, so that the first run starts at once."""

        def start() -> None:
            worker = _Worker(self._ctx)
            with self._lock:
                if len(self._idle) < self.max_running:
                    self._idle.append(worker)
                    return
            worker.stop()

        threading.Thread(target=start, daemon=True, name="warm-worker").start()

    def submit(self, kind: str, payload: dict[str, Any]) -> Job:
        """Start a run; :class:`BusyError` when ``max_running`` runs are under way."""
        with self._lock:
            if sum(1 for j in self._jobs.values() if j.state == "running") >= self.max_running:
                raise BusyError(
                    f"{self.max_running} runs are under way, the most this server allows; "
                    "wait for one to finish or cancel one"
                )
            job = Job(id=uuid.uuid4().hex[:12], kind=kind, payload=payload)
            self._jobs[job.id] = job
            self._forget_old()
            worker = self._idle.pop() if self._idle else None
        if worker is None or not worker.process.is_alive():
            worker = _Worker(self._ctx)
        job.pid = worker.process.pid
        worker.conn.send((kind, payload))
        threading.Thread(
            target=self._watch, args=(job, worker), daemon=True, name=f"job-{job.id}"
        ).start()
        return job

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state in FINAL]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[key]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a run to stop; its process is terminated within a fraction of a second."""
        job = self.get(job_id)
        if job is not None and job.state == "running":
            job.cancel_requested.set()
        return job

    def wait(self, job: Job, timeout: float | None = None) -> Job:
        job.ended.wait(self.max_seconds + 5 if timeout is None else timeout)
        return job

    def run(self, kind: str, payload: dict[str, Any]) -> Job:
        """Start a run and wait for it to end (``POST /api/forecast``)."""
        return self.wait(self.submit(kind, payload))

    def close(self) -> None:
        """Stop every run and every worker process."""
        with self._lock:
            idle, self._idle = self._idle, []
            running = [j for j in self._jobs.values() if j.state == "running"]
        for job in running:
            job.cancel_requested.set()
        for worker in idle:
            worker.stop()
        for job in running:
            job.ended.wait(2)

    def _watch(self, job: Job, worker: _Worker) -> None:
        """Follow a run to its end; the worker is stopped (or kept) before the run ends."""
        outcome: dict[str, Any] = {
            "state": "failed",
            "status": 500,
            "error": "internal error: the run was lost",
        }
        try:
            outcome = self._follow(job, worker)
        finally:
            with self._lock:
                keep = outcome.pop("reusable", False) and len(self._idle) < self.max_running
                if keep:
                    self._idle.append(worker)
            if not keep:
                worker.stop()
            self._finish(job, **outcome)

    def _follow(self, job: Job, worker: _Worker) -> dict[str, Any]:
        """Relay a run's progress until it ends, is cancelled or overruns; how it ended."""
        deadline = job.started + self.max_seconds
        while True:
            if job.cancel_requested.is_set():
                return {"state": "cancelled", "status": 409, "error": "cancelled"}
            if time.time() > deadline:
                return {
                    "state": "timed out",
                    "status": 504,
                    "error": f"stopped after {self.max_seconds:g} s, the limit of this server "
                    "(detente serve --max-seconds)",
                }
            try:
                message = worker.conn.recv() if worker.conn.poll(0.05) else None
            except (EOFError, OSError):
                worker.process.join(1)
                return {
                    "state": "failed",
                    "status": 500,
                    "error": f"the worker process ended (exit {worker.process.exitcode})",
                }
            if message is None:
                continue
            if message[0] == "progress":
                job.done, job.total, job.text = message[1], message[2], message[3]
                continue
            if message[0] == "done":
                job.warnings = message[2]
                return {"state": "done", "status": 200, "result": message[1], "reusable": True}
            if message[0] == "refused":
                return {
                    "state": "failed",
                    "status": message[1],
                    "error": message[2],
                    "problems": message[3],
                    "reusable": True,
                }
            log.error("run %s failed:\n%s", job.id, message[2])
            return {
                "state": "failed",
                "status": 500,
                "error": f"internal error: {message[1]}",
                "reusable": True,
            }

    def _finish(
        self,
        job: Job,
        state: str,
        status: int,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        problems: list[dict[str, str]] | None = None,
    ) -> None:
        job.status = status
        job.result = result
        job.error = error
        job.problems = problems or []
        job.finished = time.time()
        if state == "done":
            for hook in self.on_done:
                try:
                    hook(job)
                except Exception as exc:
                    log.exception("after run %s", job.id)
                    job.warnings.append(f"the run was not saved: {type(exc).__name__}: {exc}")
        job.state = state
        job.ended.set()
