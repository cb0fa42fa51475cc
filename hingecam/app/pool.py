"""The local process pool of a batch: spawned workers given one set at a time,
so the parent knows which set each holds; a worker that dies (killed, out of
memory) fails its set alone, and a new worker takes the sets still to do."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hingecam.app.batch import (
    SetJob,
    SetOutcome,
    SetStatus,
    Settings,
    discard_unfinished,
    run_set,
)
from hingecam.files import readable

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnContext, SpawnProcess

DIE_ON_ENV = "HINGECAM_TEST_DIE_ON"
"""Test hook: the input file name whose worker kills itself (see die_if_asked)."""

DIE_WITH_ENV = "HINGECAM_TEST_DIE_WITH"
"""Test hook: the signal it kills itself with (a name, SIGKILL when unset)."""

POLL_S = 0.2
"""Seconds between two looks at the stop request while every worker is busy."""

STOP_SIGNAL = signal.SIGUSR1
"""What the parent sends a worker to stop: the set in flight saves what was
measured (SIGINT and SIGTERM sent to the whole group are the parent's)."""

WIND_DOWN_S = 30.0
"""Seconds a stopped worker gets to save what it measured of its set."""

REAP_S = 5.0
"""Seconds a worker whose pipe closed gets to exit before it is killed."""


def die_if_asked(job: SetJob) -> None:
    """Test hook, for tests/reliability/test_worker_death.py only: when
    $HINGECAM_TEST_DIE_ON is this input's file name, stage the set's folder (as
    a set cut short mid-way has one) and kill this worker with the signal named
    by $HINGECAM_TEST_DIE_WITH (SIGKILL, as the kernel's out-of-memory killer
    sends; a signal the worker ignores stages nothing). Unset, it does nothing."""
    if os.environ.get(DIE_ON_ENV) != os.fsdecode(job.source.name):
        return
    from hingecam.files import StagedFolder

    sig = signal.Signals[os.environ.get(DIE_WITH_ENV, "SIGKILL")]
    if signal.getsignal(sig) is not signal.SIG_IGN:
        StagedFolder(job.folder)
    os.kill(os.getpid(), sig)


PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal the kernel sends this process when its parent dies."""


def _die_with_parent(parent: int) -> None:
    """A worker never outlives the batch that started it (a `kill -9` of the
    parent): on Linux the kernel sends it SIGKILL when the parent exits, so it
    cannot publish into --out after the parent's lock is gone. A parent already
    gone before this ran (the race prctl leaves) ends the worker here."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _serve(conn: Connection, parent: int) -> None:
    """A worker: (job, settings) in, its SetOutcome out, until None or EOF.
    Stopping is the parent's call: Ctrl+C and SIGTERM sent to the whole group
    (a terminal, systemd) are ignored here, and the parent, stopping, sends
    STOP_SIGNAL: the set in flight stops as a single run stops (what was
    measured is saved), its outcome is sent and the worker exits; an idle
    worker exits at once. The worker dies with its parent."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stopping = threading.Event()
    busy = False

    def on_term(signum: int, frame: object) -> None:
        stopping.set()
        if not busy:
            raise SystemExit(0)

    signal.signal(STOP_SIGNAL, on_term)
    try:
        while not stopping.is_set():
            try:
                task: tuple[SetJob, Settings] | None = conn.recv()
            except EOFError:
                return
            if task is None:
                return
            busy = True
            die_if_asked(task[0])
            conn.send(run_set(*task, stop=stopping))
            busy = False
    finally:
        # Leaving: a STOP_SIGNAL now would raise inside the interpreter's exit
        # (logging's atexit flush) and print a traceback the user never needs.
        signal.signal(STOP_SIGNAL, signal.SIG_IGN)


@dataclass
class _Worker:
    """One worker process, its end of the pipe, and the set it holds."""

    process: SpawnProcess
    conn: Connection
    job: SetJob | None = None

    @classmethod
    def start(cls, ctx: SpawnContext) -> _Worker:
        ours, theirs = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(theirs, os.getpid()), daemon=True)
        process.start()
        theirs.close()  # the worker's end only: its death is EOF here
        return cls(process, ours)

    def give(self, job: SetJob, settings: Settings) -> None:
        self.job = job
        self.conn.send((job, settings))

    def result(self, within_s: float = 0.0) -> SetOutcome | None:
        """The outcome it sent (waiting up to `within_s`), or None when it died
        without one (reaped)."""
        try:
            if self.conn.poll(within_s):
                outcome: SetOutcome = self.conn.recv()
                return outcome
        except (EOFError, OSError):
            pass
        self.conn.close()
        self.process.join(REAP_S)
        if self.process.exitcode is None:  # pipe gone, process not: end it
            self.process.kill()
            self.process.join()
        return None

    def stop(self, *, now: bool) -> None:
        """Ask it to exit (now: stop its set as a run stops, see _serve), then
        wait for it (killed after REAP_S)."""
        if now:
            if self.process.pid is not None and self.process.is_alive():
                os.kill(self.process.pid, STOP_SIGNAL)
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass  # already gone
        self.process.join(REAP_S)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        self.conn.close()


def died_line(job: SetJob, cause: str = "", worker: str = "worker") -> str:
    """The error line of a set whose worker process died (`cause`: how, if
    known; `worker`: which kind, a pool's or a Ray cluster's)."""
    how = f" ({cause})" if cause else ""
    return (
        f"{readable(job.source)}: the {worker} analyzing it died{how}; "
        "nothing was written for it"
    )


def exit_cause(exitcode: int | None) -> str:
    """A dead process's signal ("signal 9, SIGKILL") or exit status."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown signal"
        return f"signal {-exitcode}, {name}"
    return f"exit status {exitcode}"


def run_local(
    jobs: Sequence[SetJob],
    settings: Settings,
    workers: int,
    stop: threading.Event | None = None,
) -> Iterator[SetOutcome]:
    """Outcomes as sets finish, from `workers` spawned processes (each its own
    landmarker, reused across its sets). A worker that dies fails the set it
    held (its staged folder removed) and is replaced while sets remain. Ctrl+C,
    or `stop` being set (SIGTERM, SIGHUP), terminates the sets in flight (see
    batch.discard_unfinished) and raises KeyboardInterrupt."""
    import multiprocessing
    from multiprocessing.connection import wait

    # spawn: a fresh interpreter per worker, no forked MediaPipe or decoder threads.
    ctx = multiprocessing.get_context("spawn")
    todo = deque(jobs)
    pool: list[_Worker] = []
    try:
        for _ in range(min(workers, len(todo))):
            pool.append(_Worker.start(ctx))
            pool[-1].give(todo.popleft(), settings)
        while any(w.job is not None for w in pool):
            try:
                if stop is not None and stop.is_set():
                    raise KeyboardInterrupt
                busy = [w for w in pool if w.job is not None]
                ready = set(wait([w.conn for w in busy], timeout=POLL_S))
            except KeyboardInterrupt:
                yield from _wind_down(pool)
                raise
            for worker in (w for w in busy if w.conn in ready):
                yield _collect(worker, pool, todo, settings, ctx, stop)
        for worker in pool:
            worker.stop(now=False)
    except BaseException:
        for _ in _wind_down(pool):
            pass  # published by the worker; the caller stopped listening
        raise


def _wind_down(pool: list[_Worker]) -> Iterator[SetOutcome]:
    """Stop the sets in flight as a single run stops (STOP_SIGNAL: each saves
    what it measured), and yield their outcomes; a worker that does not answer
    within WIND_DOWN_S is ended and its set discarded. Then end every worker."""
    busy = [w for w in pool if w.job is not None]
    for worker in busy:
        if worker.process.pid is not None and worker.process.is_alive():
            os.kill(worker.process.pid, STOP_SIGNAL)
    for worker in busy:
        job = worker.job
        assert job is not None
        worker.job = None
        outcome = worker.result(WIND_DOWN_S)
        if outcome is None:
            discard_unfinished([job])
            outcome = SetOutcome(
                job,
                SetStatus.INTERRUPTED,
                f"{readable(job.source)}: nothing was measured",
            )
        yield outcome
    for worker in pool:
        worker.stop(now=True)


def _collect(
    worker: _Worker,
    pool: list[_Worker],
    todo: deque[SetJob],
    settings: Settings,
    ctx: SpawnContext,
    stop: threading.Event | None,
) -> SetOutcome:
    """A ready worker's outcome (or its death's), after giving the next set to
    it or, when it died, to a new worker in its place."""
    job = worker.job
    assert job is not None
    worker.job = None
    outcome = worker.result()
    if outcome is None:
        if stop is not None and stop.is_set():
            raise KeyboardInterrupt  # a stop signal sent to every process
        discard_unfinished([job])
        outcome = SetOutcome(
            job, SetStatus.FAILED, died_line(job, exit_cause(worker.process.exitcode))
        )
        pool.remove(worker)
        if todo:
            worker = _Worker.start(ctx)
            pool.append(worker)
    if todo:
        worker.give(todo.popleft(), settings)
    return outcome
