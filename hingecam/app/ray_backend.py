"""A batch's sets as Ray actor calls: one actor per CPU of the cluster, each its own
process (its own landmarker), reusing it across sets. Inputs and outputs must be
on storage every node sees, at the same paths."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from hingecam.app.batch import SetJob, SetOutcome, SetStatus, Settings, run_set
from hingecam.errors import ConfigError, one_line

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
        return run_set(job, settings)


def run_ray(
    jobs: Sequence[SetJob], settings: Settings, address: str, workers: int | None
) -> Iterator[SetOutcome]:
    """Outcomes as sets finish on the cluster at `address` ("auto": the one this
    machine belongs to). `workers` caps the actors (None: the cluster's CPUs).

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
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = max(1, min(workers or cpus, cpus, len(jobs)))
        actor_class = ray.remote(num_cpus=1)(SetWorker)
        actors = [actor_class.remote() for _ in range(n)]
        queue = list(reversed(jobs))
        pending: dict[Any, Any] = {}
        for actor in actors:
            if queue:
                job = queue.pop()
                pending[actor.run.remote(job, settings)] = (actor, job)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                actor, done = pending.pop(ref)
                try:
                    outcome: SetOutcome = ray.get(ref)
                except ray.exceptions.RayError as exc:  # a worker or node died
                    outcome = SetOutcome(
                        done, SetStatus.FAILED, f"{done.source}: {one_line(exc)}"
                    )
                if queue:
                    job = queue.pop()
                    pending[actor.run.remote(job, settings)] = (actor, job)
                yield outcome
    finally:
        ray.shutdown()
