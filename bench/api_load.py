"""Load test of the server on 127.0.0.1: contact reports per second, latency, WebSocket delivery.

Starts ``channelwatch serve`` (embedded SQLite store, development mode) in a subprocess and a
bare FastAPI endpoint (bench/api_bare.py, same body validation, nothing recorded) as the
reference, then drives both for a bounded time from minimal keep-alive HTTP/1.1 clients:

1. closed loop: C connections, each posting one report per request back to back (the most
   each server answers; latency is then C / rate, Little's law);
2. open loop: reports offered at a fixed rate R (``--rate``) over C connections, each request's
   latency counted from the instant it was due (a server that falls behind is charged for the
   wait: no coordinated omission) — the goal's figure ("holds R reports/s with p99 < 50 ms");
3. batches: POST /api/contacts/batch, one radar sweep of N plots per request, back to back and
   at the open-loop report rate (R/N sweeps a second);
4. WebSocket: W clients connected to /api/ws; a probe report is posted every 0.2 s and the delay
   until each client receives it is measured, alone and beside the open-loop load.

The plots are those of a fleet of boats moving across the strait (``--plots fleet``, default),
each report a noisy fix of one of them, as radars and aircraft would send; ``--plots random``
sends plots at random places instead (each a new contact for the tracker: its worst case).
Every report is recorded in the ledger (fsync, signed checkpoint per group commit) before the
answer. The machine has 2 cores shared by the servers, the load generator, the tracker's process
and other work: the load average is printed, and so is each server's CPU per report (from
/proc), which does not depend on how busy the machine is.

Run: ``.venv-bench/bin/python bench/api_load.py [--seconds 10] [--concurrency 64] [--rate 2000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_health(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise TimeoutError("server did not come up")


def start_ours(tmp: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        CHANNELWATCH_RATE_LIMIT_PER_S="1000000",  # one token drives the whole load
        CHANNELWATCH_RATE_BURST="1000000",
    )
    env.pop("CHANNELWATCH_ENV", None)
    return subprocess.Popen(
        [
            str(BIN / "channelwatch"),
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp / "cw.db"),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp,
    )


def start_bare(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "api_bare.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class TwoServers:
    """Ours and the bare endpoint, started, healthy, and a token for ours."""

    ours: subprocess.Popen[bytes]
    bare: subprocess.Popen[bytes]
    ours_port: int
    bare_port: int
    token: str
    tmp: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.ours_port}"

    @property
    def bare_base(self) -> str:
        return f"http://127.0.0.1:{self.bare_port}"


@contextlib.contextmanager
def two_servers(prefix: str) -> Iterator[TwoServers]:
    """Start both servers (ours on a fresh SQLite store), log in; at the end print ours'
    ledger and tracker counters, stop both and print the load average."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    ours_port, bare_port = free_port(), free_port()
    os.environ.pop("CHANNELWATCH_ENV", None)
    bare, ours = start_bare(bare_port), start_ours(tmp, ours_port)
    print(f"load average at the start: {load_average()}", flush=True)
    try:
        servers = TwoServers(ours, bare, ours_port, bare_port, "", tmp)
        wait_health(servers.bare_base, bare)
        wait_health(servers.base, ours)
        servers.token = asyncio.run(login(servers.base))
        yield servers
        health = httpx.get(f"{servers.base}/api/health", timeout=10).json()
        keys = ("ledger_size", "contacts", "tracker_dropped", "ledger_commit_ms_mean")
        print("ours:", {k: health.get(k) for k in keys})
    finally:
        stop(ours)
        stop(bare)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average at the end: {load_average()}", flush=True)


def plot(k: int, sensor: str, t: str, prefix: str = "load") -> dict[str, object]:
    """A radar plot at a random place (``--plots random``)."""
    rng = np.random.default_rng(k)
    return {
        "kind": "contact",
        "time": t,
        "lat": float(50.8 + rng.random() * 0.4),
        "lon": float(1.2 + rng.random() * 0.8),
        "sensor": "radar",
        "sensor_id": sensor,
        "sigma_m": 50.0,
        "report_id": f"{prefix}-{k}",
    }


class Fleet:
    """Boats crossing the strait at 0-12 kn on fixed headings; a plot is a fix of one of them
    with 50 m of noise (``--plots fleet``)."""

    M_PER_DEG = 111_320.0

    def __init__(self, boats: int = 500, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.n = boats
        self.lat0 = 50.8 + rng.random(boats) * 0.4
        self.lon0 = 1.2 + rng.random(boats) * 0.8
        speed_ms = rng.uniform(0.0, 12.0, boats) * 0.514444
        heading = rng.uniform(0.0, 2 * np.pi, boats)
        self.v_north = speed_ms * np.cos(heading)
        self.v_east = speed_ms * np.sin(heading)
        self.t0 = time.time()
        self.noise = np.random.default_rng(seed + 1).normal(0.0, 50.0, (4096, 2))
        self.k = 0

    def fix(self, boat: int, t_s: float) -> tuple[float, float]:
        b = boat % self.n
        dt = t_s - self.t0
        e, n = self.noise[self.k % 4096]
        self.k += 1
        lat = self.lat0[b] + (self.v_north[b] * dt + n) / self.M_PER_DEG
        cos = np.cos(np.radians(self.lat0[b]))
        lon = self.lon0[b] + (self.v_east[b] * dt + e) / (self.M_PER_DEG * cos)
        return float(lat), float(lon)

    def plot(self, k: int, boat: int, sensor: str, prefix: str = "load") -> dict[str, object]:
        now = datetime.now(UTC)
        lat, lon = self.fix(boat, now.timestamp())
        return {
            "kind": "contact",
            "time": now.isoformat(),
            "lat": lat,
            "lon": lon,
            "sensor": "radar",
            "sensor_id": sensor,
            "sigma_m": 50.0,
            "report_id": f"{prefix}-{k}",
        }


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client: one request at a time on one connection.

    httpx spends more CPU per request than the server does; on a 2-core machine shared by
    the server and the load generator that would measure the client. This sends prepared
    bytes and reads the status line and the body by Content-Length, nothing more."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        assert self.reader is not None and self.writer is not None
        head = f"POST {path} HTTP/1.1\r\nhost: {self.host}:{self.port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"content-length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_s(pid: int) -> float:
    """CPU seconds of a process's children (the tracker's worker process) and theirs."""
    total = 0.0
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for c in child.read_text().split():
            with contextlib.suppress(OSError):
                total += cpu_s(int(c)) + children_cpu_s(int(c))
    return total


@dataclass
class Phase:
    name: str
    seconds: float
    requests: int = 0
    reports: int = 0
    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    server_cpu_s: float | None = None  # CPU of the server process in the phase
    tracker_cpu_s: float | None = None  # CPU of its child processes (the tracker)

    def percentiles_ms(self) -> tuple[float, float, float]:
        lat = np.array(self.latencies_s) * 1000.0
        if not lat.size:
            return (float("nan"),) * 3
        p50, p99 = np.percentile(lat, [50, 99])
        return float(p50), float(p99), float(lat.max())

    def per_cpu_second(self) -> float | None:
        """Reports answered per CPU-second of the server process (all its threads)."""
        if not self.server_cpu_s:
            return None
        return self.reports / self.server_cpu_s

    def line(self) -> str:
        p50, p99, top = self.percentiles_ms()
        out = (
            f"{self.name:<44} {self.reports / self.seconds:>7,.0f} reports/s "
            f"{self.requests / self.seconds:>6,.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
            f"  max {top:6.1f} ms  statuses {self.statuses}"
        )
        if self.server_cpu_s is not None:
            out += (
                f"\n{'':<44} server CPU {self.server_cpu_s / self.seconds:.2f} cores, "
                f"{1e6 * self.server_cpu_s / max(self.reports, 1):.0f} us/report "
                f"({self.per_cpu_second() or 0:,.0f} reports per CPU-second), "
                f"tracker process {(self.tracker_cpu_s or 0.0) / self.seconds:.2f} cores"
            )
        return out

    def to_dict(self) -> dict[str, object]:
        p50, p99, top = self.percentiles_ms()
        return {
            "name": self.name,
            "reports_per_s": self.reports / self.seconds,
            "requests_per_s": self.requests / self.seconds,
            "p50_ms": p50,
            "p99_ms": p99,
            "max_ms": top,
            "statuses": self.statuses,
            "server_cpu_cores": None
            if self.server_cpu_s is None
            else self.server_cpu_s / self.seconds,
            "server_cpu_us_per_report": None
            if self.server_cpu_s is None
            else 1e6 * self.server_cpu_s / max(self.reports, 1),
            "reports_per_cpu_second": self.per_cpu_second(),
            "tracker_cpu_cores": None
            if self.tracker_cpu_s is None
            else self.tracker_cpu_s / self.seconds,
        }


async def drive(
    base: str,
    path: str,
    body_for: Callable[[int, int], bytes],
    reports_per_request: int,
    concurrency: int,
    seconds: float,
    headers: dict[str, str],
    name: str,
    *,
    rate: float | None = None,
    client: str = "raw",
    pid: int | None = None,
    warmup_s: float = 2.0,
) -> Phase:
    """C workers, each on its own keep-alive connection. Without ``rate`` each posts back to
    back (closed loop); with it, requests fall due at ``rate`` per second and the next free
    worker sends the next one at its due time, its latency counted from then (open loop).
    Only requests due (or started) after the warm-up and finished before the end count."""
    phase = Phase(name, seconds)
    h = {**headers, "content-type": "application/json"}
    host, port = base.removeprefix("http://").split(":")
    t_first = time.perf_counter()
    t_start = t_first + warmup_s
    t_end = t_start + seconds
    cpu = [0.0, 0.0, 0.0, 0.0]
    due = [0]  # the next request's number (open loop)

    async def sample_cpu() -> None:
        if pid is None:
            return
        await asyncio.sleep(max(0.0, t_start - time.perf_counter()))
        cpu[0], cpu[2] = cpu_s(pid), children_cpu_s(pid)
        await asyncio.sleep(max(0.0, t_end - time.perf_counter()))
        cpu[1], cpu[3] = cpu_s(pid), children_cpu_s(pid)

    def count(t0: float, t1: float, status: int) -> None:
        if t0 >= t_start and t1 <= t_end:
            phase.requests += 1
            phase.statuses[status] = phase.statuses.get(status, 0) + 1
            if status == 202:
                phase.reports += reports_per_request
            phase.latencies_s.append(t1 - t0)

    def next_due() -> float | None:
        if rate is None:
            t0 = time.perf_counter()
            return t0 if t0 < t_end else None
        t0 = t_first + due[0] / rate
        due[0] += 1
        return t0 if t0 < t_end else None

    async def raw_worker(w: int) -> None:
        conn = RawConnection(host, int(port))
        await conn.open()
        k = 0
        try:
            while (t0 := next_due()) is not None:
                if (wait := t0 - time.perf_counter()) > 0:
                    await asyncio.sleep(wait)
                status = await conn.post(path, body_for(w, k), h)
                count(t0, time.perf_counter(), status)
                k += 1
        finally:
            await conn.close()

    async def httpx_worker(w: int, http: httpx.AsyncClient) -> None:
        k = 0
        while (t0 := next_due()) is not None:
            if (wait := t0 - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            r = await http.post(path, content=body_for(w, k), headers=h)
            count(t0, time.perf_counter(), r.status_code)
            k += 1

    sampler = asyncio.ensure_future(sample_cpu())
    if client == "raw":
        await asyncio.gather(*(raw_worker(w) for w in range(concurrency)))
    else:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            await asyncio.gather(*(httpx_worker(w, http) for w in range(concurrency)))
    await sampler
    if pid is not None:
        phase.server_cpu_s = cpu[1] - cpu[0]
        phase.tracker_cpu_s = cpu[3] - cpu[2]
    return phase


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Bodies:
    """Request bodies: single reports and sweeps, from the fleet or at random places."""

    def __init__(self, plots: str) -> None:
        self.fleet = Fleet() if plots == "fleet" else None

    def single(self, w: int, k: int) -> bytes:
        n = w * 10_000_000 + k
        if self.fleet is None:
            return json.dumps(plot(n, f"radar-{w}", now_iso())).encode()
        # each sensor reports the boats in turn; together they see every boat several times a
        # second (64 sensors at 2,000 reports/s: 4 fixes a second of each of 500 boats)
        return json.dumps(self.fleet.plot(n, w * 7 + k * 64, f"radar-{w}")).encode()

    def sweep(self, size: int) -> Callable[[int, int], bytes]:
        def make(w: int, k: int) -> bytes:
            n = (w * 10_000_000 + k) * size
            if self.fleet is None:
                t = now_iso()  # one sweep: one sensor, one time
                recs = [plot(n + j, f"radar-{w}", t) for j in range(size)]
            else:
                # every radar sees the same boats (a sweep is a full scan of its coverage)
                now = datetime.now(UTC)
                recs = []
                for j in range(size):
                    lat, lon = self.fleet.fix(j, now.timestamp())
                    recs.append(
                        {
                            "kind": "contact",
                            "time": now.isoformat(),
                            "lat": lat,
                            "lon": lon,
                            "sensor": "radar",
                            "sensor_id": f"radar-{w}",
                            "sigma_m": 50.0,
                            "report_id": f"sweep-{n + j}",
                        }
                    )
            return json.dumps({"records": recs}).encode()

        return make


PROBE = re.compile(rb'"report_id":"(probe-\d+)"')
CONTACTS = b'{"type":"contacts"'


async def websocket_delays(
    base_ws: str,
    base: str,
    token: str,
    clients: int,
    seconds: float,
    load: Callable[[], asyncio.Future[object]] | None = None,
    *,
    compression: str | None = "deflate",
) -> dict[str, object]:
    """Delay from posting a probe report to its arrival at each WebSocket client."""
    import websockets

    sent: dict[str, float] = {}
    got: list[float] = []
    missing_by_probe: dict[str, int] = {}
    stop_at = [float("inf")]

    async def client_task(ready: asyncio.Event, counter: list[int]) -> None:
        async with websockets.connect(
            f"{base_ws}/api/ws?token={token}", max_size=None, compression=compression
        ) as ws:
            counter[0] += 1
            if counter[0] == clients:
                ready.set()
            seen: set[str] = set()
            while time.perf_counter() < stop_at[0]:
                try:
                    raw = await asyncio.wait_for(ws.recv(decode=False), 1.0)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                if not raw.startswith(CONTACTS):
                    continue  # the picture, alerts...: probes come in contacts messages only
                for m in PROBE.finditer(raw):
                    pid = m.group(1).decode()
                    if pid in sent and pid not in seen:
                        seen.add(pid)
                        got.append(now - sent[pid])
                        missing_by_probe[pid] = missing_by_probe.get(pid, clients) - 1

    ready = asyncio.Event()
    counter = [0]
    tasks = [asyncio.create_task(client_task(ready, counter)) for _ in range(clients)]
    await asyncio.wait_for(ready.wait(), 60)
    load_task = asyncio.ensure_future(load()) if load is not None else None
    h = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        end = time.perf_counter() + seconds
        k = 0
        while time.perf_counter() < end:
            pid = f"probe-{k}"
            body = plot(k, "probe-radar", now_iso(), prefix="probe")
            sent[pid] = time.perf_counter()
            r = await http.post("/api/contacts", content=json.dumps(body).encode(), headers=h)
            assert r.status_code == 202, r.text
            k += 1
            await asyncio.sleep(0.2)
    await asyncio.sleep(3.0)  # let the last probes arrive
    stop_at[0] = time.perf_counter()
    await asyncio.gather(*tasks, return_exceptions=True)
    if load_task is not None:
        await load_task
    d = np.array(got) * 1000.0
    expected = len(sent) * clients
    return {
        "compression": compression,
        "clients": clients,
        "probes": len(sent),
        "delivered": int(d.size),
        "expected": expected,
        "p50_ms": float(np.percentile(d, 50)) if d.size else None,
        "p99_ms": float(np.percentile(d, 99)) if d.size else None,
        "max_ms": float(d.max()) if d.size else None,
        "within_1s": float((d <= 1000.0).sum() / expected) if expected else None,
    }


async def login(base: str) -> str:
    async with httpx.AsyncClient(base_url=base) as c:
        r = await c.post(
            "/api/auth/login", json={"username": "gn-operator", "password": "gn-operator-demo"}
        )
        r.raise_for_status()
        return str(r.json()["access_token"])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


async def run(args: argparse.Namespace) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="cw-load-", dir=args.data_dir))
    results: dict[str, object] = {
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "rate": args.rate,
        "plots": args.plots,
        "client": args.client,
        "data_dir": str(tmp.parent),
        "cores": os.cpu_count(),
        "load_average_start": load_average(),
    }
    print(f"load average at the start: {results['load_average_start']}", flush=True)
    ours_port, bare_port = free_port(), free_port()
    bare = start_bare(bare_port)
    ours = start_ours(tmp, ours_port)
    base, bare_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{bare_port}"
    bodies = Bodies(args.plots)
    c, conc = args.client, args.concurrency
    try:
        wait_health(bare_base, bare)
        wait_health(base, ours)
        token = await login(base)
        auth = {"Authorization": f"Bearer {token}"}
        phases = []

        async def phase(
            which: str, name: str, rate: float | None = None, path: str = "/api/contacts"
        ) -> Phase:
            ph = await drive(
                bare_base if which == "ref" else base,
                path,
                bodies.single,
                1,
                conc,
                args.seconds,
                {} if which == "ref" else auth,
                name,
                rate=rate,
                client=c,
                pid=(bare if which == "ref" else ours).pid,
            )
            print(ph.line(), flush=True)
            phases.append(ph)
            return ph

        ref = await phase("ref", f"reference: bare FastAPI, closed loop, {conc} conn")
        single = await phase("ours", f"ours: closed loop, {conc} connections")
        if args.rate:
            await phase("ref", f"reference: bare FastAPI, {args.rate:,.0f}/s offered", args.rate)
            await phase("ours", f"ours: {args.rate:,.0f}/s offered (open loop)", args.rate)
        for size in args.batch:
            ph = await drive(
                base,
                "/api/contacts/batch",
                bodies.sweep(size),
                size,
                max(4, conc // 4),
                args.seconds,
                auth,
                f"ours: batches of {size} (a sweep), {max(4, conc // 4)} conn",
                client=c,
                pid=ours.pid,
            )
            print(ph.line(), flush=True)
            phases.append(ph)
            if args.rate:
                # the same report rate offered as sweeps (how a radar or an aircraft sends)
                ph = await drive(
                    base,
                    "/api/contacts/batch",
                    bodies.sweep(size),
                    size,
                    max(4, conc // 4),
                    args.seconds,
                    auth,
                    f"ours: {args.rate:,.0f} reports/s offered as sweeps of {size} (open loop)",
                    rate=args.rate / size,
                    client=c,
                    pid=ours.pid,
                )
                print(ph.line(), flush=True)
                phases.append(ph)
        results["phases"] = [p.to_dict() for p in phases]
        ratio = single.requests / ref.requests if ref.requests else float("nan")
        print(f"ratio ours/reference (closed loop, reports per second): {ratio:.2f}", flush=True)
        cpu_ratio = (
            (single.per_cpu_second() or 0.0) / ref.per_cpu_second()
            if ref.per_cpu_second()
            else float("nan")
        )
        print(f"ratio ours/reference (reports per server CPU-second): {cpu_ratio:.2f}", flush=True)
        results["ratio_single"] = ratio
        results["ratio_per_cpu_second"] = cpu_ratio
        ws_base = base.replace("http://", "ws://")
        for compression in args.ws_compression:
            comp = None if compression == "none" else compression
            idle = await websocket_delays(
                ws_base, base, token, args.ws_clients, args.ws_seconds, compression=comp
            )
            print(f"websocket, {args.ws_clients} clients ({compression}), idle: {idle}", flush=True)

            async def background(bg_rate: float | None = args.rate or None) -> object:
                ph = await drive(
                    base,
                    "/api/contacts",
                    bodies.single,
                    1,
                    conc,
                    args.ws_seconds,
                    auth,
                    f"ours: beside {args.ws_clients} websockets"
                    + (f", {bg_rate:,.0f}/s offered" if bg_rate else ", closed loop"),
                    rate=bg_rate,
                    client=c,
                    pid=ours.pid,
                    warmup_s=0.5,
                )
                print(ph.line(), flush=True)
                return ph.to_dict()

            loaded = await websocket_delays(
                ws_base,
                base,
                token,
                args.ws_clients,
                args.ws_seconds,
                background,
                compression=comp,
            )
            print(
                f"websocket, {args.ws_clients} clients ({compression}), under report load: "
                f"{loaded}",
                flush=True,
            )
            results[f"websocket_idle_{compression}"] = idle
            results[f"websocket_loaded_{compression}"] = loaded
        health = httpx.get(f"{base}/api/health").json()
        results["server"] = {
            k: health.get(k)
            for k in (
                "ledger_size",
                "ledger_commits",
                "ledger_largest_batch",
                "ledger_commit_ms_mean",
                "ledger_commit_ms_max",
                "store_writes",
                "store_write_ms_mean",
                "store_write_ms_max",
                "tracker_queue",
                "tracker_dropped",
                "websocket_dropped",
                "contacts",
            )
        }
        print(f"server: {results['server']}", flush=True)
    finally:
        stop(ours)
        stop(bare)
        shutil.rmtree(tmp, ignore_errors=True)
    results["load_average_end"] = load_average()
    print(f"load average at the end: {results['load_average_end']}", flush=True)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0, help="counted seconds per phase")
    p.add_argument("--concurrency", type=int, default=64, help="connections per phase")
    p.add_argument(
        "--rate",
        type=float,
        default=2000.0,
        help="reports per second offered in the open-loop phases (0: none)",
    )
    p.add_argument("--batch", type=int, nargs="*", default=[50])
    p.add_argument("--plots", choices=["fleet", "random"], default="fleet")
    p.add_argument("--ws-clients", type=int, default=100)
    p.add_argument("--ws-seconds", type=float, default=10.0)
    p.add_argument(
        "--ws-compression",
        nargs="*",
        choices=["deflate", "none"],
        default=["deflate"],
        help="what the WebSocket clients offer (browsers offer deflate)",
    )
    p.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="load generator: minimal keep-alive HTTP/1.1 (default) or httpx",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the store and the ledger go (default: the system's temporary "
        "folder; /dev/shm takes the disk's fsync out of the figures)",
    )
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = p.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    results = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
