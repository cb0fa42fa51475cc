"""A batch's sets as Ray actor calls: one actor per CPU of the cluster, each its own
process (its own landmarker), reusing it across sets. Inputs and outputs must be
on storage every node sees, at the same paths."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from hingecam.app.batch import (
    SetJob,
    SetOutcome,
    SetStatus,
    Settings,
    discard_unfinished,
    run_set,
)
from hingecam.app.pool import die_if_asked, died_line
from hingecam.errors import ConfigError, one_line
from hingecam.files import readable

INSTALL_HINT = '--ray needs Ray, an optional extra: pip install -e ".[ray]"'


def import_ray() -> Any:
    """The ray module, or ConfigError with the one line saying how to install it."""
    # Ray's usage statistics would phone home; hingecam makes no network calls.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    return ray


class SetWorker:
    """The Ray actor: analyzes the sets it is handed, one after another."""

    def run(self, job: SetJob, settings: Settings) -> SetOutcome:
        die_if_asked(job)  # test hook; nothing unless $HINGECAM_TEST_DIE_ON is set
        return run_set(job, settings)


def run_ray(
    jobs: Sequence[SetJob], settings: Settings, address: str, workers: int | None
) -> Iterator[SetOutcome]:
    """Outcomes as sets finish on the cluster at `address` ("auto": the one this
    machine belongs to). `workers` caps the actors (None: the cluster's CPUs).
    A worker (or node) that dies fails the set it held, with one line and its
    staged folder removed; a new actor takes its place while the cluster has a
    free CPU, else the other actors take the remaining sets.

    Raises:
        ConfigError: Ray is not installed, or no cluster answers at `address`.
    """
    ray = import_ray()
    if not jobs:
        return
    try:
        ray.init(
            address=address,
            logging_level="ERROR",
            log_to_driver=False,
            configure_logging=True,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"--ray {address}: no Ray cluster there ({exc})") from None
    try:
        yield from _Actors(ray, settings, list(jobs), workers).outcomes()
    finally:
        ray.shutdown()


ACTOR_START_S = 60.0
"""Seconds a replacement actor gets to start when no other is left: Ray starts
one in a few seconds where a CPU is free; a minute without means the cluster
has none left (its nodes died), and the remaining sets fail instead of waiting."""


class _Actors:
    """The actors of one batch (as many as CPUs allow, up to `target`) and the
    sets they hold."""

    def __init__(
        self, ray: Any, settings: Settings, jobs: list[SetJob], workers: int | None
    ) -> None:
        self.ray = ray
        self.settings = settings
        self.queue = list(reversed(jobs))
        self.actor_class = ray.remote(num_cpus=1)(SetWorker)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.target = max(1, min(workers or cpus, cpus, len(jobs)))
        self.pending: dict[Any, tuple[Any, SetJob]] = {}
        for _ in range(self.target):
            self._give(self.actor_class.remote())

    def outcomes(self) -> Iterator[SetOutcome]:
        while self.pending:
            ready, _ = self.ray.wait(list(self.pending), num_returns=1)
            for ref in ready:
                actor, job = self.pending.pop(ref)
                outcome = self._outcome(ref, job)
                if outcome is None:  # its actor died
                    self.ray.kill(actor)
                    line = died_line(job, worker="Ray worker")
                    outcome = SetOutcome(job, SetStatus.FAILED, line)
                else:
                    self._give(actor)
                self._top_up()
                yield outcome
        for job in reversed(self.queue):  # no actor could be started for them
            yield SetOutcome(
                job,
                SetStatus.FAILED,
                f"{readable(job.source)}: no Ray worker was left to analyze it",
            )

    def _outcome(self, ref: Any, job: SetJob) -> SetOutcome | None:
        """The set's outcome; None when its actor (process or node) died."""
        exceptions = self.ray.exceptions
        try:
            outcome: SetOutcome = self.ray.get(ref)
        except (exceptions.RayActorError, exceptions.NodeDiedError):
            discard_unfinished([job])  # storage every node sees: the same paths
            return None
        except exceptions.RayError as exc:  # the set raised on the worker
            discard_unfinished([job])
            return SetOutcome(
                job, SetStatus.FAILED, f"{readable(job.source)}: {one_line(exc)}"
            )
        return outcome

    def _give(self, actor: Any) -> None:
        if self.queue:
            job = self.queue.pop()
            self.pending[actor.run.remote(job, self.settings)] = (actor, job)

    def _top_up(self) -> None:
        """New actors in place of dead ones while sets wait: one per free CPU
        (Ray frees a dead actor's a moment later, so this is tried after every
        outcome); with no actor left, one that starts within ACTOR_START_S."""
        busy = len(self.pending)
        while self.queue and busy < self.target:
            if self.ray.available_resources().get("CPU", 0.0) < 1 and busy:
                return  # the living actors carry on
            actor = self.actor_class.remote()
            if not busy:
                started, _ = self.ray.wait(
                    [actor.__ray_ready__.remote()], timeout=ACTOR_START_S
                )
                if not started:
                    self.ray.kill(actor)
                    return
            self._give(actor)
            busy += 1
