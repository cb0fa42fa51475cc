"""A real one-machine Ray cluster for tests and scripts/bench_batch.py: `ray start
--head --block` bound to 127.0.0.1 in its own temp dir, stopped by its own pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.polling import read_until

REPO = Path(__file__).resolve().parents[1]
READY_LINE = "Ray runtime started"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


RAY_DIES_ON = "ray-worker-dies.npz"
"""An input name the suite's cluster workers die on (app/pool.py's test hook,
HINGECAM_TEST_DIE_ON, set in the head's environment, so in every worker's)."""


def cluster_env() -> dict[str, str]:
    """The environment of the head and of the drivers: this checkout first on
    the path (workers import hingecam from it), no usage statistics sent."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "RAY_USAGE_STATS_ENABLED": "0",
    }


def head_env() -> dict[str, str]:
    """The head's environment (its workers inherit it): a worker given an
    input named RAY_DIES_ON stages its folder and kills itself with SIGKILL."""
    from hingecam.app.pool import DIE_ON_ENV

    return {**cluster_env(), DIE_ON_ENV: RAY_DIES_ON}


def _leftovers(temp_dir: Path) -> list[int]:
    """Pids of processes still running from this cluster's temp dir."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(temp_dir).encode() in cmdline:
            pids.append(int(entry.name))
    return pids


@contextmanager
def local_cluster(num_cpus: int = 2) -> Iterator[str]:
    """Start a head node with `num_cpus` CPUs; yields its address (host:port).
    Stopped on exit: the blocking `ray start` is terminated (it stops what it
    started), then anything left from its temp dir is killed by pid."""
    ray_bin = Path(sys.executable).with_name("ray")
    port = free_port()
    temp_dir = Path(
        tempfile.mkdtemp(prefix="hgray-", dir="/tmp")
    )  # short: socket paths
    cmd = [
        str(ray_bin), "start", "--head", "--block",
        "--port", str(port), "--num-cpus", str(num_cpus),
        "--node-ip-address", "127.0.0.1", "--include-dashboard=false",
        "--disable-usage-stats", f"--temp-dir={temp_dir}",
    ]  # fmt: skip
    head = subprocess.Popen(
        cmd,
        env=head_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        read_until(head.stdout, READY_LINE, "ray start's ready line")
        # Keep reading, so a full pipe never blocks the head.
        threading.Thread(target=head.stdout.read, daemon=True).start()
        yield f"127.0.0.1:{port}"
    finally:
        if head.poll() is None:
            head.terminate()
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            head.kill()
            head.wait()
        for pid in _leftovers(temp_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
