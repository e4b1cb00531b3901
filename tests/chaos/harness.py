"""The multi-show crash scenario, lived as the app lives it.

The app's live side (``live_child``: ``LiveLink`` + ``LiveSession``, no Qt) runs as a
subprocess against a sandbox in this process, with faults on; every show is kept in ONE
data folder (one show database):

- show B goes live, sells, and the app quits while live (``leave``); orders keep coming
  while nobody listens;
- show A goes live and is killed with SIGKILL at random moments while orders, refunds and
  pin changes flow (the harness's, through the sandbox and its API, and the app's own
  takes at each restart); each time the app restarts, finds A among the unfinished shows
  and resumes it; once it has caught up it is killed a last time, and the next start ends
  A (``end_unfinished``);
- B is resumed, carries on, and is ended (End show);
- show C goes live, sells, and is ended;
- with ``kill_in_end``, show D goes live, sells, and is killed in the middle of End show:
  ``"call"`` while its End call is on its way to the platform, ``"fetch"`` once the
  platform and storage say ended, during the final fetch of the orders the stream has not
  delivered yet (the stream made to lag); the next start ends D if it is unfinished;
- with ``kill_in_go_live``, show E is killed in the middle of Go live, the next start ends
  it if it got on air, and show F goes live on the first press, sells and ends.

Then every show's stored orders (by show id), its status and its report are compared with
the platform's orders list and session stats: nothing missing, nothing doubled within or
across shows, every refund, every total to the cent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import httpx

from seller_console.domain.events import SessionStatus
from seller_console.domain.money import Money
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import (
    LiveSession,
    PinRequest,
    ShowcaseProduct,
    new_idempotency_key,
)
from seller_console.domain.show_records import ShowRecord, ShowStatus
from seller_console.paths import AppPaths
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient
from seller_console.sandbox import RunningSandbox, SandboxConfig, SandboxFaults, start_sandbox
from seller_console.services.reports import ShowReport, ShowReports
from seller_console.storage import Database, ShowStore
from tests.chaos.live_child import KEY_ENV, PRODUCTS

__all__ = [
    "CHAOS_FAULTS",
    "PRODUCTS",
    "ChaosResult",
    "ShowResult",
    "patient_client",
    "run_scenario",
]

CHAOS_FAULTS = SandboxFaults(
    error_rate=0.05,
    rate_limit_burst_every=400,
    retry_after_s=1,
    drop_every=(100, 600),
    duplicate_rate=0.05,
    reorder_window=5,
)
PATIENT = RetryPolicy(max_attempts=50, max_elapsed_s=120, base_delay_s=0.01, max_delay_s=0.3)
RECONNECT = RetryPolicy(
    max_attempts=10**6, max_elapsed_s=float("inf"), base_delay_s=0.01, max_delay_s=0.2
)
REFUNDS_DUE_S = 200  # the sandbox refunds within 120 s of an order
GO_LIVE_LATENCY_MS = 400  # each platform call while show E goes live (five or six calls)
END_LATENCY_MS = 1000  # each platform call while show D ends, so that the kill lands in one


def patient_client(base_url: str, api_key: str) -> LiveCommerceClient:
    """Retries sized for a sandbox failing many of its calls on purpose."""
    return LiveCommerceClient(
        base_url,
        api_key,
        retrier=Retrier(PATIENT, rng=random.Random()),
        stream_reconnect=Retrier(RECONNECT, rng=random.Random()),
    )


@dataclass(frozen=True, slots=True)
class ShowResult:
    """One show compared with its platform session."""

    name: str
    show_id: str
    session_id: str
    orders: int  # on the platform
    received: int  # stored under this show
    missing: int
    doubled: int  # stored twice, counted twice, or stored here but another session's
    wrong_status: int  # orders whose stored status is not the platform's
    ended: bool  # the stored show is ended
    commission_diff: Decimal  # report's estimated and reported commission vs the platform's
    totals_match: bool  # the report's net, units, orders and refunds are the platform's

    @property
    def ok(self) -> bool:
        return (
            self.missing == 0
            and self.doubled == 0
            and self.wrong_status == 0
            and self.ended
            and self.commission_diff == 0
            and self.totals_match
        )


@dataclass(frozen=True, slots=True)
class ChaosResult:
    shows: tuple[ShowResult, ...]
    crossed: int  # order ids stored under more than one show
    stray_shows: int  # stored shows the scenario never started (or never found)
    kills: int
    seconds: float
    notes: tuple[str, ...] = ()
    """What happened that the figures do not say (where show D was killed)."""

    @property
    def orders(self) -> int:
        return sum(s.orders for s in self.shows)

    @property
    def received(self) -> int:
        return sum(s.received for s in self.shows)

    @property
    def missing(self) -> int:
        return sum(s.missing for s in self.shows)

    @property
    def doubled(self) -> int:
        return sum(s.doubled for s in self.shows) + self.crossed

    @property
    def commission_diff(self) -> Decimal:
        return sum((s.commission_diff for s in self.shows), Decimal(0))

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.shows) and self.crossed == 0 and self.stray_shows == 0

    def line(self) -> str:
        return (
            f"chaos: shows={len(self.shows)} orders={self.orders} received={self.received} "
            f"missing={self.missing} doubled={self.doubled} kills={self.kills} "
            f"commission_diff={self.commission_diff:.2f}"
        )


# ---------------------------------------------------------------- the sandbox's side
def _control(sandbox: RunningSandbox, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {sandbox.api_key}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=30) as raw:
        response = raw.request(method, path, json=body)
        response.raise_for_status()
        return response.json()


async def _setup(sandbox: RunningSandbox) -> str:
    """A live session with the ``PRODUCTS`` in its bag (for the tests that need only the
    platform's side)."""
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        for product_id, price, rate in PRODUCTS:
            await client.upsert_product(
                ShowcaseProduct(
                    id=product_id,
                    sku=f"SKU-{product_id}",
                    title=f"Product {product_id}",
                    brand="Acme",
                    price=Money.of(price, "USD"),
                    commission_rate=Decimal(rate),
                )
            )
        session = await client.create_session("Chaos show")
        await client.start_session(session.id)
        await client.set_bag(session.id, [p[0] for p in PRODUCTS])
        return session.id


async def _pin(sandbox: RunningSandbox, session_id: str, product_id: str) -> None:
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        await client.pin(session_id, PinRequest(product_id), idempotency_key=new_idempotency_key())


async def _session(sandbox: RunningSandbox, session_id: str) -> LiveSession:
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        return await client.get_session(session_id)


async def _platform_view(
    sandbox: RunningSandbox, session_id: str
) -> tuple[tuple[Order, ...], LiveSession]:
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        return await client.all_orders(session_id), await client.get_session(session_id)


class _Producer:
    """Orders (and, in the first session, the harness's own pin changes) in chunks on a
    thread, refunds falling due as the sandbox's clock is moved on."""

    def __init__(
        self, sandbox: RunningSandbox, targets: Sequence[tuple[str, int]], chunk: int
    ) -> None:
        self._sandbox = sandbox
        self._targets = [t for t in targets if t[1] > 0]
        self._chunk = chunk
        self._failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, name="chaos-orders")
        self._thread.start()

    def _run(self) -> None:
        try:
            most = max((want for _, want in self._targets), default=1)
            left = dict(self._targets)
            n = 0
            while any(left.values()):
                for session_id, want in self._targets:
                    count = min(left[session_id], max(1, self._chunk * want // most))
                    if count == 0:
                        continue
                    path = f"/_sandbox/sessions/{session_id}/orders"
                    made = int(_control(self._sandbox, "POST", path, {"count": count})["created"])
                    if made == 0:
                        raise AssertionError(f"the sandbox sells nothing in {session_id}")
                    left[session_id] -= made
                n += 1
                if n % 10 == 0:  # refunds fall due while the app comes and goes
                    _control(self._sandbox, "POST", "/_sandbox/clock", {"seconds": 30})
                if n % 7 == 0:
                    product = PRODUCTS[n % len(PRODUCTS)][0]
                    asyncio.run(_pin(self._sandbox, self._targets[0][0], product))
                time.sleep(0.01)
        except BaseException as exc:  # raised by join()
            self._failure.append(exc)

    def join(self, timeout: float = 120.0) -> None:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("the order producer did not finish")
        if self._failure:
            raise self._failure[0]


# ---------------------------------------------------------------- the app's side
Status = dict[str, Any]


class _Child:
    """The app's live side in a process; its output goes to a log file (one a show)."""

    def __init__(self, folder: Path, sandbox: RunningSandbox, name: str) -> None:
        self.name = name
        self._folder = folder
        self._url = sandbox.base_url
        self._key = sandbox.api_key
        self._log = folder / f"child-{name}.log"
        self._runs = 0
        self._status = folder / f"status-{name}.json"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, mode: str, arg: str) -> None:
        self._runs += 1
        self._status.unlink(missing_ok=True)
        with self._log.open("ab") as log:
            log.write(f"=== run {self._runs}: {mode} {arg}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.chaos.live_child",
                    str(self._folder / "data"),
                    self._url,
                    str(self._status),
                    mode,
                    arg,
                ],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[2],
                env={**os.environ, KEY_ENV: self._key, "PYTHONWARNINGS": "error"},
            )

    def status(self) -> Status | None:
        try:
            data = json.loads(self._status.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        assert isinstance(data, dict)
        return data

    def wait_for(self, condition: Callable[[Status], bool], what: str, timeout: float) -> Status:
        """The child's status once ``condition`` holds; AssertionError with the log's tail
        when the child exits first or ``timeout`` passes."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if status is not None and condition(status):
                return status
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"show {self.name}: the app exited with {self.proc.returncode} before "
                    f"{what}; last status {status}\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"show {self.name}: no {what} in {timeout:.0f} s; last status {status}\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.05)

    def command(self, line: str) -> None:
        assert self.proc is not None
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()

    def finish(self, what: str, timeout: float) -> None:
        """Wait for the child to exit 0 (AssertionError with the log's tail otherwise)."""
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"show {self.name}: {what} took over {timeout:.0f} s\n{self.log_tail()}"
            ) from None
        assert code == 0, f"show {self.name}: {what} exited with {code}\n{self.log_tail()}"
        self._close_stdin()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)
            self._close_stdin()

    def _close_stdin(self) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()

    def log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-4000:]


def _live(status: Status) -> bool:
    return status["phase"] == "live" and status["show_id"] is not None


def _pinned(status: Status) -> bool:
    return _live(status) and bool(status["pinned"])


# ---------------------------------------------------------------- the scenario
class _Scenario:
    def __init__(
        self,
        folder: Path,
        sandbox: RunningSandbox,
        rng: random.Random,
        chunk: int,
        wait_s: float,
    ) -> None:
        self.folder = folder
        self.sandbox = sandbox
        self.rng = rng
        self.chunk = chunk
        self.wait_s = wait_s
        self.children: list[_Child] = []
        self.shows: dict[str, tuple[str, str]] = {}  # name -> (show id, session id)
        self.kills = 0
        self.notes: list[str] = []
        self.never_aired: set[str] = set()
        """Stored shows a kill left before their session started on the platform."""

    def child(self, name: str) -> _Child:
        child = _Child(self.folder, self.sandbox, name)
        self.children.append(child)
        return child

    def go_live(self, name: str) -> _Child:
        child = self.child(name)
        child.start("go-live", f"Chaos show {name}")
        status = child.wait_for(_pinned, "show live with its pin confirmed", self.wait_s)
        self.shows[name] = (status["show_id"], status["session_id"])
        return child

    def produce(self, targets: Sequence[tuple[str, int]]) -> _Producer:
        return _Producer(
            self.sandbox, [(self.shows[name][1], n) for name, n in targets], self.chunk
        )

    def catch_up(self, child: _Child, name: str) -> None:
        """All refunds due, then wait until the app's ledger holds the platform's orders
        and refunds of the show."""
        _control(self.sandbox, "POST", "/_sandbox/clock", {"seconds": REFUNDS_DUE_S})
        stats = asyncio.run(_session(self.sandbox, self.shows[name][1])).stats
        assert stats is not None
        child.wait_for(
            lambda s: _live(s) and (s["orders"], s["refunds"]) == (stats.orders, stats.refunds),
            f"ledger with the platform's {stats.orders} orders and {stats.refunds} refunds",
            self.wait_s,
        )

    def kill(self, child: _Child) -> None:
        child.kill()
        self.kills += 1

    def close(self) -> None:
        for child in self.children:
            child.kill()


def run_scenario(
    *,
    orders: int,
    kills: int,
    faults: SandboxFaults | None,
    seed: int = 1,
    chunk: int = 100,
    wait_s: float = 60.0,
    kill_in_end: Literal["call", "fetch"] | None = None,
    kill_in_go_live: bool = False,
) -> ChaosResult:
    """Run shows A, B and C (D with ``kill_in_end``, E and F with ``kill_in_go_live``) and
    compare them with the platform. ``kills`` counts the SIGKILLs: one each in D and E,
    the others in A (at least one); ``wait_s`` bounds each wait for the app (a
    confirmation, a catch-up, an exit). Raises ``AssertionError`` with the app's log when
    the app fails or does not confirm in time."""
    a_kills = kills - (kill_in_end is not None) - kill_in_go_live
    if a_kills < 1:
        raise ValueError(f"{kills} kills leave none for show A")
    began = time.monotonic()
    rng = random.Random(seed)
    shares = [5, 3, 2, 1 if kill_in_end else 0, 1 if kill_in_go_live else 0]
    split = [orders * share // sum(shares) for share in shares]
    split[0] += orders - sum(split)
    with (
        tempfile.TemporaryDirectory(prefix="chaos-") as tmp,
        start_sandbox(SandboxConfig(seed=seed, rate=0.0, refund_rate=0.03)) as sandbox,
    ):
        if faults is not None:
            sandbox.set_faults(faults)
        run = _Scenario(Path(tmp), sandbox, rng, chunk, wait_s)
        try:
            _shows(run, a_kills, split[0], split[1], split[2])
            if kill_in_end is not None:
                _kill_in_end(run, split[3], kill_in_end)
            if kill_in_go_live:
                _kill_in_go_live(run, split[4])
        finally:
            run.close()
        sandbox.set_faults(SandboxFaults())
        return _compare_all(run, time.monotonic() - began)


def _shows(run: _Scenario, a_kills: int, a_orders: int, b_orders: int, c_orders: int) -> None:
    b_first = b_orders // 3
    b_away = b_orders // 3
    w = run.wait_s

    # B: live, sells, the app quits while live
    b = run.go_live("B")
    run.produce([("B", b_first)]).join()
    run.catch_up(b, "B")
    b.command("leave")
    b.finish("quitting while live", w)

    # A: live, killed again and again (B's orders go on meanwhile, with nobody listening)
    a = run.go_live("A")
    a_show = run.shows["A"][0]
    producer = run.produce([("A", a_orders), ("B", b_away)])
    for _ in range(a_kills - 1):
        if run.rng.random() < 0.25:  # somewhere in start-up, resume or reconcile
            time.sleep(run.rng.uniform(0.05, 1.5))
        else:  # somewhere while live
            a.wait_for(_live, "show A resumed", w)
            time.sleep(run.rng.uniform(0.1, 1.2))
        run.kill(a)
        a.start("resume", a_show)
    producer.join()
    a.wait_for(_live, "show A resumed", w)
    run.catch_up(a, "A")
    run.kill(a)  # once more, caught up; the next start ends it
    a.start("end", a_show)
    a.finish("ending show A at the next start", w)

    # B again: the next start resumes it, carries on and ends it
    b.start("resume", run.shows["B"][0])
    b.wait_for(_live, "show B resumed", w)
    run.produce([("B", b_orders - b_first - b_away)]).join()
    run.catch_up(b, "B")
    b.command("end")
    b.finish("End show B", w)

    # C: live, sells, ends
    c = run.go_live("C")
    run.produce([("C", c_orders)]).join()
    run.catch_up(c, "C")
    c.command("end")
    c.finish("End show C", w)


def _kill_in_end(run: _Scenario, orders: int, moment: Literal["call", "fetch"]) -> None:
    """D: live, sells, and is killed in the middle of End show (``run_scenario``); the next
    start ends it if it is unfinished, as the app offers it back."""
    w = run.wait_s
    d = run.go_live("D")
    d_show, d_session = run.shows["D"]
    faults = run.sandbox.faults
    if moment == "fetch":  # the stream lags: it reconnects every few events, each slowly
        slow = SandboxFaults(latency_ms=END_LATENCY_MS, drop_every=(5, 10))
        run.sandbox.set_faults(slow)
        run.produce([("D", orders)]).join()
        _control(run.sandbox, "POST", "/_sandbox/clock", {"seconds": REFUNDS_DUE_S})
    else:
        run.produce([("D", orders)]).join()
        run.catch_up(d, "D")
        run.sandbox.set_faults(replace(faults, latency_ms=END_LATENCY_MS))
    d.command("end")
    d.wait_for(lambda s: s["phase"] == "ending", "End show under way", w)
    if moment == "call":  # the End call has left and is answered after END_LATENCY_MS
        time.sleep(run.rng.uniform(0.1, 0.5) * END_LATENCY_MS / 1000)
    else:  # the End call answered (one latency), the final fetch not (two)
        time.sleep(1.6 * END_LATENCY_MS / 1000)
    seen = d.status()
    run.kill(d)
    run.sandbox.set_faults(faults)
    deadline = time.monotonic() + w
    while asyncio.run(_session(run.sandbox, d_session)).status is not SessionStatus.ENDED:
        assert time.monotonic() < deadline, "the platform never ended show D's session"
        time.sleep(0.1)
    stored = _stored_status(run, d_show)
    run.notes.append(
        f"show D killed in End show ({moment}, "
        f"{seen['phase'] if seen else 'no status'}) with "
        f"{seen['orders'] if seen else '?'} of {orders} orders in its ledger: the platform "
        f"has ended it, storage says {stored.value}"
    )
    if stored.unfinished:  # offered back at the next start: finish it
        d.start("end", d_show)
        d.finish("ending show D at the next start", w)


def _kill_in_go_live(run: _Scenario, orders: int) -> None:
    """E: killed in the middle of Go live; the next start ends E if it got on air. Then
    show F goes live on the first press, sells and ends."""
    w = run.wait_s
    faults = run.sandbox.faults
    run.sandbox.set_faults(replace(faults, latency_ms=GO_LIVE_LATENCY_MS))
    e = run.child("E")
    e.start("go-live", "Chaos show E")
    e.wait_for(lambda s: s["phase"] == "preparing", "Go live under way", w)
    time.sleep(run.rng.uniform(0.0, 8.0) * GO_LIVE_LATENCY_MS / 1000)
    run.kill(e)
    run.sandbox.set_faults(faults)
    known = {show_id for show_id, _ in run.shows.values()}
    left = [s for s in _stored_shows(run) if s.id not in known]
    said = []
    for show in left:
        if show.status.unfinished:  # offered back at the next start: end it
            said.append("it live: ended at the next start")
            run.shows["E"] = (show.id, show.session_id)
            e.start("end", show.id)
            e.finish("ending show E at the next start", w)
            continue
        session = asyncio.run(_session(run.sandbox, show.session_id))
        said.append(f"it {show.status.value}, its platform session {session.status.value}")
        if session.status is SessionStatus.SCHEDULED:  # never on air: nothing to lose
            run.never_aired.add(show.id)
    run.notes.append(f"show E killed in Go live: storage has {', '.join(said) or 'nothing'}")

    f = run.go_live("F")
    run.produce([("F", orders)]).join()
    run.catch_up(f, "F")
    f.command("end")
    f.finish("End show F", w)


def _stored_shows(run: _Scenario) -> tuple[ShowRecord, ...]:
    async def shows() -> tuple[ShowRecord, ...]:
        db = await Database.open(_database(run.folder))
        try:
            return await ShowStore(db).list_shows()
        finally:
            await db.close()

    return asyncio.run(shows())


def _stored_status(run: _Scenario, show_id: str) -> ShowStatus:
    async def status() -> ShowStatus:
        db = await Database.open(_database(run.folder))
        try:
            return (await ShowStore(db).get_show(show_id)).status
        finally:
            await db.close()

    return asyncio.run(status())


def _database(folder: Path) -> Path:
    return folder / "data" / AppPaths.default().show_database.name


# ---------------------------------------------------------------- the comparison
async def _stored(
    folder: Path, show_ids: Sequence[str]
) -> tuple[tuple[ShowRecord, ...], dict[str, tuple[ShowRecord, tuple[Order, ...], ShowReport]]]:
    db = await Database.open(_database(folder))
    try:
        store = ShowStore(db)
        reports = ShowReports(store)
        views = {}
        for show_id in show_ids:
            views[show_id] = (
                await store.get_show(show_id),
                await store.load_orders(show_id),
                await reports.report(show_id),
            )
        return await store.list_shows(), views
    finally:
        await db.close()


def _compare_all(run: _Scenario, seconds: float) -> ChaosResult:
    names = sorted(run.shows)
    listed, views = asyncio.run(_stored(run.folder, [run.shows[n][0] for n in names]))
    results = []
    stored_ids: Counter[str] = Counter()
    for name in names:
        show_id, session_id = run.shows[name]
        record, stored, report = views[show_id]
        platform_orders, session = asyncio.run(_platform_view(run.sandbox, session_id))
        assert record.session_id == session_id
        results.append(_compare(name, record, stored, report, platform_orders, session))
        stored_ids.update({o.id for o in stored})
    return ChaosResult(
        shows=tuple(results),
        crossed=sum(n - 1 for n in stored_ids.values() if n > 1),
        stray_shows=len(
            ({s.id for s in listed} - run.never_aired) ^ {v[0] for v in run.shows.values()}
        ),
        kills=run.kills,
        seconds=seconds,
        notes=tuple(run.notes),
    )


def _compare(
    name: str,
    record: ShowRecord,
    stored: tuple[Order, ...],
    report: ShowReport,
    platform_orders: tuple[Order, ...],
    session: LiveSession,
) -> ShowResult:
    theirs = {o.id: o for o in platform_orders}
    ours = {o.id: o for o in stored}
    totals = report.totals
    counted = sum(f.orders for f in totals.values())
    doubled = (len(stored) - len(ours)) + abs(counted - len(ours)) + len(ours.keys() - theirs)
    wrong = sum(1 for i, o in theirs.items() if i in ours and ours[i].status != o.status)
    stats = session.stats
    assert stats is not None
    revenue = {m.currency.code: m.amount for m in stats.revenue}
    commission = {m.currency.code: m.amount for m in stats.commission}
    diff = sum(
        (
            abs(f.commission_estimated.amount - commission.get(code, Decimal(0)))
            + abs(f.commission_reported.amount - commission.get(code, Decimal(0)))
            for code, f in totals.items()
        ),
        Decimal(0),
    )
    totals_match = (
        set(totals) == set(revenue)
        and all(f.net.amount == revenue[code] for code, f in totals.items())
        and sum(f.units for f in totals.values()) == stats.units
        and counted == stats.orders
        and sum(f.refunded_orders for f in totals.values()) == stats.refunds
    )
    return ShowResult(
        name=name,
        show_id=record.id,
        session_id=record.session_id,
        orders=len(theirs),
        received=len(ours.keys() & theirs.keys()),
        missing=len(theirs.keys() - ours.keys()),
        doubled=doubled,
        wrong_status=wrong,
        ended=record.status is ShowStatus.ENDED,
        commission_diff=diff,
        totals_match=totals_match,
    )
