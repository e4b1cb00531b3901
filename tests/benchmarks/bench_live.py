"""A live show at full rate in the open window (issue 7 §9), headless; printed, never asserted.

Each figure runs the app's own window (``Console``: the catalog dock visible, the window
1440x860, ``QT_QPA_PLATFORM=offscreen``, ``SELLER_CONSOLE_HOME`` a temp dir) in a fresh
interpreter (``python -m tests.benchmarks.bench_live --child MODE SECONDS [URL KEY]``). The
show is set up like ``--self-test``: the demo catalog and the sample rundown, go live
(``MainWindow.go_live``), take the first item (the TAKE action, Space) and wait for the pin
to be confirmed, so the audience buys at the full rate. One change: the rundown's products
are published without a stock limit (the demo stocks, 5 to 40 units, sell out in a fraction
of a second at 2,000 orders/s, after which the audience stops buying).

The live show itself (the platform client, stream decoding, the ledger, SQLite writes
and, in the embedded setup, the practice platform) runs in the live engine's process
(``seller_console.live_engine``); the window's process only receives its states (at most
about ten a second from the stream, one per action) and paints them.

1. Heartbeat: a 10 ms ``QTimer`` (``PreciseTimer``) on the GUI thread notes
   ``perf_counter()`` at every timeout; lateness = gap between two beats - 10 ms. p50, p99
   (target <= 16 ms) and max (target <= 33 ms) over the whole run (``BENCH_SECONDS``,
   default 60) at 2,000 orders/s. The longest stalls are listed with what the GUI thread was
   doing then (the coalesced UI update ``LiveViewModel._deliver`` with the window's slots,
   a garbage collection).
2. How far the totals trail the engine: ``LiveViewModel._deliver`` is wrapped (in the child
   only) to note, for every state that reaches the window, the moment the engine published
   it (``LiveState.at``, wall clock: same machine) and the moment the totals panel has been
   updated from it (the window's slots run synchronously inside ``_deliver``).
   p50/p99/max (target <= 250 ms), and the part spent waiting for the window's turn.
3. Highest sustained rate: the audience rate is stepped (500 to 10,000 orders/s;
   ``BENCH_SECONDS / 6`` each, at least 2 s) in one show. Per step: orders/s generated (the
   sandbox's ``GET /_sandbox/stats`` ``orders`` counter at the step's start and end) and
   shown (the orders in the ledger of the newest state the window received, read just
   before each stats request, so a backlog is over-stated by at most rate x the reply time,
   never hidden), the backlog at the step's start and end, and the heartbeat's p99 and max
   during the step. Sustained: shown >= 95 % of generated and the backlog grew by less
   than half a second of orders at that rate; the highest rate reported is the highest step
   with every step up to it sustained.

Two setups. *Embedded* is the app's default: the practice platform runs inside the live
engine's process, on its own thread, sharing that process's GIL with ingest (not the
window's). *Separate process*: ``seller-console-sandbox --port 0 --rate R --key K`` in its
own process; the console is pointed at it through a ``SANDBOX_URL`` profile in
``settings.json`` and the key in an in-memory secret store (``tests.fakes.MemorySecrets``,
handed to the engine as Show > Platform does where there is no keychain). That is the
figure for the app against a remote platform. In that setup figures 1 and 2 run for
``BENCH_SECONDS / 2``. The last line is the summary ``bench_live: ...``.

Where the time goes: ``BENCH_LIVE_PROFILE=/path/prefix`` makes each child run cProfile on
the GUI thread over its measured window and write ``prefix-MODE-SETUP.txt`` (the top
functions by own time and by cumulative time).
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import gc
import io
import itertools
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.benchmarks._summary import summary

REPO = Path(__file__).resolve().parents[2]
SHOW_RATE = 2000.0
STEP_RATES = (500.0, 1000.0, 2000.0, 4000.0, 8000.0, 10000.0)
HEARTBEAT_MS = 10
LATE_P99_TARGET_MS = 16
LATE_MAX_TARGET_MS = 33
TRAIL_TARGET_MS = 250
TARGET_SUSTAINED = 8000
SUSTAIN_SHARE = 0.95
STALL_MS = 16  # stalls later than this are listed with what overlapped them
KEY = "bench-live-key"
CURRENCY = "USD"
_RESULT = "BENCH_LIVE_RESULT "


def _bench_seconds() -> float:
    return float(os.environ.get("BENCH_SECONDS", "60"))


def _pct(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _late_ms(beats: Sequence[float]) -> list[float]:
    return [(b - a) * 1000 - HEARTBEAT_MS for a, b in itertools.pairwise(beats)]


# --------------------------------------------------------------------- the child
class _Probe:
    """Read-only hooks on the window's side, installed in the child only: timestamps, never
    a change of behaviour. The live show itself runs in the live engine's process."""

    def __init__(self) -> None:
        self.model: Any = None
        self.trail: list[tuple[float, float, float]] = []  # published, update start, shown
        self.phases: list[tuple[str, float, float]] = []
        self.states = 0
        self.in_window = 0  # orders in the ledger the window holds
        self.recording = False
        self._gc_start: float | None = None

    def install(self) -> None:
        from seller_console.selftest import shown_totals
        from seller_console.ui.viewmodels.live_vm import LiveViewModel

        probe = self
        original_deliver = LiveViewModel._deliver

        def deliver(vm: Any) -> None:
            start, wall = time.perf_counter(), time.time()
            original_deliver(vm)
            end = time.perf_counter()
            ledger = vm.state.ledger
            if ledger is not None:
                probe.in_window = sum(f.orders for f in ledger.totals.values())
            if not probe.recording or probe.model is None:
                return
            probe.states += 1
            probe.phases.append(("UI update (LiveViewModel._deliver)", start, end))
            shown = shown_totals(probe.model, CURRENCY)
            if shown is not None and vm.state.at is not None:
                published = vm.state.at.timestamp()
                probe.trail.append((published, wall, wall + (end - start)))

        LiveViewModel._deliver = deliver  # type: ignore[method-assign, assignment]
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, stage: str, info: dict[str, int]) -> None:
        if stage == "start":
            self._gc_start = time.perf_counter()
        elif self._gc_start is not None:
            start, end = self._gc_start, time.perf_counter()
            self._gc_start = None
            if self.recording and end - start > 0.002:
                thread = threading.current_thread().name
                self.phases.append((f"gc gen{info['generation']} ({thread})", start, end))

    def ledger_count(self) -> int:
        return self.in_window


def _unlimited(plan: Any) -> Any:
    """The plan with its products published without a stock limit (see the docstring)."""
    items = tuple(replace(i, product=replace(i.product, stock=None)) for i in plan.items)
    return replace(plan, items=items)


async def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def _show(mode: str, seconds: float, url: str | None, key: str | None) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from seller_console.app import Console
    from seller_console.domain.show_records import PinOutcome
    from seller_console.paths import AppPaths
    from seller_console.settings import Profile, ProfileKind, Settings, save_settings
    from seller_console.settings import settings_file as settings_path
    from seller_console.ui.actions import ActionId

    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="seller-console")
    loop.set_default_executor(executor)  # as app.run_window does
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    probe = _Probe()
    probe.install()
    home = Path(os.environ["SELLER_CONSOLE_HOME"])
    paths = AppPaths.default()
    assert paths.config_dir.is_relative_to(home)
    profile = None
    if url is not None:
        profile = Profile(ProfileKind.SANDBOX_URL, url)
        save_settings(settings_path(paths.config_dir), Settings(profile))
    console = Console(app, paths, SHOW_RATE if mode == "show" else 0.0)
    window, live = console.window, console.live_vm
    if profile is not None and profile.secret_account is not None and key is not None:
        # as Show > Platform keeps it: in the engine's store (the keychain, or this run's)
        await live.secrets.save(profile.secret_account, key)
        await live.use_profile(profile)
    window.resize(1440, 860)
    window.show()
    await console.start()
    console.rundown_vm.load(_unlimited(console.rundown_vm.plan()), None)
    if not await window.go_live():
        raise RuntimeError("going live failed")
    await _wait(lambda: live.is_live, 30, "the show to go live")
    practice = await live.practice_platform()
    base_url = url or (practice[0] if practice is not None else "")
    api_key = key or (practice[1] if practice is not None else "")
    control = httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    )

    async def set_rate(rate: float) -> None:
        reply = await control.put("/_sandbox/audience", json={"rate": rate})
        reply.raise_for_status()

    async def counts() -> tuple[float, int, int, float]:
        """(when, orders generated, orders in the ledger, reply ms). The ledger is read just
        before the request, so the backlog (generated - ledger) is at most rate x reply time
        too high, never too low."""
        sent, in_ledger = time.perf_counter(), probe.ledger_count()
        reply = await control.get("/_sandbox/stats")
        reply.raise_for_status()
        now = time.perf_counter()
        return sent, int(reply.json()["orders"]), in_ledger, (now - sent) * 1000

    window.actions_by_id[ActionId.TAKE].trigger()  # Space
    await live.flush()
    if live.state.live is None:
        raise RuntimeError("the take put nothing live")

    def confirmed() -> bool:
        card = live.state.live
        receipt = card.receipt if card is not None else None
        return receipt is not None and receipt.outcome is PinOutcome.CONFIRMED

    await _wait(confirmed, 30, "the pin to be confirmed")
    probe.model = window.totals_dock.model
    catalog_visible = window.catalog_dock.isVisible()

    beats: list[float] = []
    heartbeat = QTimer(interval=HEARTBEAT_MS)
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    profile_to = os.environ.get("BENCH_LIVE_PROFILE")
    profiler = cProfile.Profile() if profile_to else None
    result: dict[str, Any] = {
        "mode": mode,
        "setup": "separate process" if url else "embedded",
        "catalog_visible": catalog_visible,
        "switch_interval_ms": sys.getswitchinterval() * 1000,
    }
    await asyncio.sleep(0.5)
    heartbeat.start()
    probe.recording = True
    if profiler is not None:
        profiler.enable()
    if mode == "show":
        first = await counts()
        await asyncio.sleep(seconds)
        last = await counts()
        result["window"] = (first, last)
    else:
        steps = []
        for rate in STEP_RATES:
            await set_rate(rate)
            start = await counts()
            await asyncio.sleep(seconds)
            end = await counts()
            steps.append({"rate": rate, "start": start, "end": end})
        result["steps"] = steps
    if profiler is not None:
        profiler.disable()
    probe.recording = False
    heartbeat.stop()
    await set_rate(0)
    result["started"] = beats[0] if beats else 0.0
    result["beats"] = beats
    result["trail"] = probe.trail
    result["phases"] = probe.phases
    result["batches"] = probe.states
    if profiler is not None and profile_to:
        setup = "separate" if url else "embedded"
        _write_profile(profiler, Path(f"{profile_to}-{mode}-{setup}.txt"))
    # The figures go out before shutdown: closing with a backlog is not what is measured.
    print(_RESULT + json.dumps(result), flush=True)
    await control.aclose()
    window._may_close = True
    window.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(console.close(), 5)
    executor.shutdown(wait=False, cancel_futures=True)
    return result


def _write_profile(profiler: cProfile.Profile, path: Path) -> None:
    out = io.StringIO()
    for key in ("tottime", "cumulative"):
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(key).print_stats(35)
    path.write_text(out.getvalue(), encoding="utf-8")


def _child_main(mode: str, seconds: float, url: str | None, key: str | None) -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(_show(mode, seconds, url, key))
    sys.stdout.flush()
    os._exit(0)  # no lingering threads (a sandbox stream with a backlog) hold the exit up


# --------------------------------------------------------------------- the parent
@contextmanager
def _sandbox_process(rate: float) -> Iterator[tuple[str, str]]:
    """``seller-console-sandbox --port 0`` in its own process: (URL, key)."""
    exe = Path(sys.executable).with_name("seller-console-sandbox")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "seller_console.sandbox.cli"]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--rate", str(rate), "--key", KEY, "--seed", "7"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        url = key = ""
        for _ in range(5):
            line = proc.stdout.readline()
            if line.startswith("Sandbox listening on "):
                url = line.split()[-1]
            elif line.startswith("API key: "):
                key = line.split()[-1]
            if (url and key) or not line:
                break
        if not url or not key:
            raise RuntimeError("the sandbox process did not start")
        yield url, key
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _child(mode: str, seconds: float, url: str | None = None, key: str | None = None) -> Any:
    with tempfile.TemporaryDirectory(prefix="bench-live-home-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SELLER_CONSOLE_HOME=home)
        args = [sys.executable, "-m", "tests.benchmarks.bench_live", "--child", mode, str(seconds)]
        if url is not None and key is not None:
            args += [url, key]
        done = subprocess.run(
            args,
            cwd=REPO,
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=seconds * len(STEP_RATES) + 180,
        )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(_RESULT):
            return json.loads(line.removeprefix(_RESULT))
    tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
    raise RuntimeError(f"the {mode} child failed ({done.returncode}): {' | '.join(tail)}")


def _heartbeat_line(label: str, beats: Sequence[float]) -> str:
    late = _late_ms(beats)
    return (
        f"{label}: p50 {_pct(late, 0.5):.1f} ms, p99 {_pct(late, 0.99):.1f} ms "
        f"(target <= {LATE_P99_TARGET_MS}), max {max(late, default=float('nan')):.0f} ms "
        f"(target <= {LATE_MAX_TARGET_MS}), {len(late)} beats"
    )


def _report_show(found: dict[str, Any]) -> dict[str, float]:
    """Prints figures 1 and 2; the heartbeat's p99 and max and the trail's p99, in ms."""
    setup = found["setup"]
    first, last = found["window"]
    span = last[0] - first[0]
    made, got = last[1] - first[1], last[2] - first[2]
    print(
        f"[{setup}] {span:.0f} s at {SHOW_RATE:,.0f} orders/s, catalog visible: "
        f"{found['catalog_visible']}: sandbox made {made / span:,.0f} orders/s, the window "
        f"showed {got / span:,.0f} orders/s; backlog {first[1] - first[2]:,} at the start, "
        f"{last[1] - last[2]:,} at the end; {found['batches']:,} states"
    )
    print(
        _heartbeat_line(f"[{setup}] heartbeat ({HEARTBEAT_MS} ms timer) lateness", found["beats"])
    )
    trail = found["trail"]
    delays = [(shown - published) * 1000 for published, _, shown in trail]
    print(
        f"[{setup}] totals panel trails the engine's state: p50 {_pct(delays, 0.5):.0f} ms, "
        f"p99 {_pct(delays, 0.99):.0f} ms, max {max(delays, default=float('nan')):.0f} ms "
        f"(target <= {TRAIL_TARGET_MS}; {len(delays):,} states)"
    )
    waits = [(start - published) * 1000 for published, start, _ in trail]
    print(
        f"[{setup}]   of which published -> window's turn p50 {_pct(waits, 0.5):.0f} / "
        f"p99 {_pct(waits, 0.99):.0f} ms"
    )
    _report_stalls(found)
    late = _late_ms(found["beats"])
    return {
        "p99": _pct(late, 0.99),
        "max": max(late, default=float("nan")),
        "trail_p99": _pct(delays, 0.99),
    }


def _report_stalls(found: dict[str, Any]) -> None:
    setup, beats, phases = found["setup"], found["beats"], found["phases"]
    started = found["started"]
    busy: dict[str, float] = {}
    for name, start, end in phases:
        busy[name] = busy.get(name, 0.0) + (end - start)
    span = beats[-1] - beats[0] if len(beats) > 1 else 1.0
    print(
        f"[{setup}]   GUI thread busy in: "
        + "; ".join(
            f"{name} {total / span * 100:.0f} % ({sum(1 for p in phases if p[0] == name):,}x, "
            f"longest {max((e - s) * 1000 for n, s, e in phases if n == name):.0f} ms)"
            for name, total in sorted(busy.items(), key=lambda kv: -kv[1])
        )
    )
    stalls = [
        (b - a, a, b) for a, b in itertools.pairwise(beats) if (b - a) * 1000 - HEARTBEAT_MS > 16
    ]
    print(f"[{setup}]   beats over {STALL_MS} ms late: {len(stalls)}; the longest:")
    for gap, a, b in sorted(stalls, reverse=True)[:5]:
        during = [
            f"{name} {(min(e, b) - max(s, a)) * 1000:.0f} ms"
            for name, s, e in phases
            if s < b and e > a
        ] or ["(no timed phase: stream reading and parsing, other callbacks, the GIL)"]
        print(
            f"[{setup}]     {gap * 1000 - HEARTBEAT_MS:.0f} ms late at {a - started:.1f} s: "
            + ", ".join(during)
        )


def _sustained(step: dict[str, Any], share: float, growth: int) -> bool:
    return share >= SUSTAIN_SHARE and growth < step["rate"] * 0.5


def _report_steps(found: dict[str, Any], step_s: float) -> float:
    """Prints figure 3; the highest sustained rate (0 when none)."""
    setup, beats = found["setup"], found["beats"]
    best = previous = 0.0
    print(f"[{setup}] stepped audience rate, {step_s:.0f} s a step:")
    for step in found["steps"]:
        start, end = step["start"], step["end"]
        span = end[0] - start[0]
        made, got = end[1] - start[1], end[2] - start[2]
        share = got / made if made else 0.0
        backlog0, backlog1 = start[1] - start[2], end[1] - end[2]
        within = [b for b in beats if start[0] <= b <= end[0]]
        late = _late_ms(within)
        ok = _sustained(step, share, backlog1 - backlog0)
        if ok and best == previous:
            best = step["rate"]  # the highest rate with every step up to it sustained
        previous = step["rate"]
        print(
            f"[{setup}]   {step['rate']:>6,.0f}/s: generated {made / span:7,.0f}/s, ingested "
            f"{got / span:7,.0f}/s ({share * 100:3.0f} %), backlog {backlog0:,} -> {backlog1:,}, "
            f"heartbeat p99 {_pct(late, 0.99):.0f} ms max {max(late, default=float('nan')):.0f} "
            f"ms, {'sustained' if ok else 'NOT sustained'}"
        )
    print(f"[{setup}] highest sustained rate: {best:,.0f} orders/s" if best else "none")
    return best


def main() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    seconds = _bench_seconds()
    step_s = max(2.0, seconds / 6)
    print(
        f"live show in the open window: {SHOW_RATE:,.0f} orders/s for {seconds:.0f} s, "
        f"then steps {', '.join(f'{r:,.0f}' for r in STEP_RATES)} orders/s of {step_s:.0f} s"
    )
    embedded = _report_show(_child("show", seconds))
    embedded_best = _report_steps(_child("steps", step_s), step_s)
    # The separate process setup: figures 1-2 over half the time, to keep make bench bounded.
    with _sandbox_process(SHOW_RATE) as (url, key):
        separate = _report_show(_child("show", seconds / 2, url, key))
    with _sandbox_process(0) as (url, key):
        separate_best = _report_steps(_child("steps", step_s, url, key), step_s)
    print(
        summary(
            "live",
            {
                "heartbeat_p99_ms": separate["p99"],
                "heartbeat_max_ms": separate["max"],
                "sustained_per_s": separate_best,
                "trail_p99_ms": separate["trail_p99"],
                "embedded_heartbeat_p99_ms": embedded["p99"],
                "embedded_heartbeat_max_ms": embedded["max"],
                "embedded_sustained_per_s": embedded_best,
                "target_p99_ms": LATE_P99_TARGET_MS,
                "target_max_ms": LATE_MAX_TARGET_MS,
                "target_sustained_per_s": TARGET_SUSTAINED,
            },
        )
    )


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        extra = sys.argv[4:6] if len(sys.argv) >= 6 else [None, None]
        _child_main(sys.argv[2], float(sys.argv[3]), extra[0], extra[1])
    else:
        main()
