"""Real servers for the tests, started on 127.0.0.1 in a temporary directory and stopped after.

PostgreSQL (with PostGIS available) from Debian's postgresql packages, and nats-server with
JetStream. Both refuse nothing to root: PostgreSQL will not run as root, so when the tests run as
root the cluster is owned by and run as the ``postgres`` system user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


def _pg_bin() -> Path:
    roots = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if not roots:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh --dev")
    return roots[0]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throw-away PostgreSQL cluster; yield a URL of a database with PostGIS enabled."""
    bindir = _pg_bin()
    tmp = Path(tempfile.mkdtemp(prefix="cw-pg-"))
    data = tmp / "data"
    as_root = os.geteuid() == 0
    prefix: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(tmp, "postgres", "postgres")
    port = free_port()
    user = "postgres" if as_root else os.environ.get("USER", "postgres")
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off"
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "-l",
            str(tmp / "log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, "cw"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                str(bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                user,
                "-d",
                "cw",
                "-c",
                "CREATE EXTENSION IF NOT EXISTS postgis",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://{user}@127.0.0.1:{port}/cw"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def nats_server(store_dir: Path | None = None, port: int | None = None) -> Iterator[str]:
    """Start nats-server with JetStream; yield its URL. Give ``store_dir`` and ``port`` to
    restart a server on the same durable store."""
    exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
    if not Path(exe).exists():
        raise RuntimeError("nats-server is not installed: run scripts/setup.sh --dev")
    own_dir = store_dir is None
    sd = Path(tempfile.mkdtemp(prefix="cw-nats-")) if store_dir is None else store_dir
    p = port or free_port()
    proc = subprocess.Popen(
        [exe, "-a", "127.0.0.1", "-p", str(p), "-js", "-sd", str(sd)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(p)
        yield f"nats://127.0.0.1:{p}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if own_dir:
            shutil.rmtree(sd, ignore_errors=True)


class ChildProcess:
    """A child process that can be killed with SIGKILL and started again with the same
    arguments (crash tests); its output is appended to ``log``, one section per start."""

    def __init__(
        self,
        args: list[str],
        log: Path | None = None,
        env: dict[str, str] | None = None,
        stop_timeout_s: float = 20.0,
    ) -> None:
        self.args, self.log, self.stop_timeout_s = args, log, stop_timeout_s
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        if self.log is None:
            self.proc = subprocess.Popen(
                self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env
            )
            return
        with self.log.open("ab") as out:
            out.write(f"--- start {self.starts}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=out, env=self.env)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
            self.proc = None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self) -> str:
        if self.log is None:
            return ""
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-3000:]
        return ""
