"""``python -m tests.chaos`` (``make chaos``): the multi-show crash scenario at full size,
faults on (``harness`` says what happens to each show).

CHAOS_ORDERS (default 20000, split across the shows) and CHAOS_KILLS (the SIGKILLs in
all, default 20) size it; CHAOS_SEED (default 1) picks the random moments. Shows A, B and C run,
then show E, killed in the middle of Go live, and show F after it (not with
CHAOS_KILL_IN_GO_LIVE=0), and show D, killed in the middle of End show: during its final
fetch by default, CHAOS_KILL_IN_END=call while its End call is in flight, =none not at all.
The last line printed is
``chaos: shows=S orders=N received=N missing=0 doubled=0 kills=K commission_diff=0.00``;
the exit status is 1 when anything is missing, doubled, in the wrong state or off by a
cent, or when the app fails or does not confirm in time (its log's tail is printed).
"""

from __future__ import annotations

import os
import sys
from typing import Literal

from tests.chaos.harness import CHAOS_FAULTS, run_scenario


def _moment(text: str) -> Literal["call", "fetch"] | None:
    if text in ("call", "fetch"):
        return "call" if text == "call" else "fetch"
    if text != "none":
        raise SystemExit(f"CHAOS_KILL_IN_END is call, fetch or none, not {text!r}")
    return None


def main() -> int:
    orders = int(os.environ.get("CHAOS_ORDERS", "20000"))
    kills = int(os.environ.get("CHAOS_KILLS", "20"))
    try:
        result = run_scenario(
            orders=orders,
            kills=kills,
            faults=CHAOS_FAULTS,
            seed=int(os.environ.get("CHAOS_SEED", "1")),
            wait_s=90,
            kill_in_end=_moment(os.environ.get("CHAOS_KILL_IN_END", "fetch")),
            kill_in_go_live=os.environ.get("CHAOS_KILL_IN_GO_LIVE", "1") == "1",
        )
    except ValueError as exc:
        print(f"chaos: {exc}", flush=True)
        return 2
    except AssertionError as exc:
        print(exc, flush=True)
        print(f"chaos: failed: {str(exc).splitlines()[0]}", flush=True)
        return 1
    for note in result.notes:
        print(f"chaos: {note}", flush=True)
    for show in result.shows:
        print(
            f"chaos: show {show.name} {show.show_id[:8]} ({show.session_id}): "
            f"orders={show.orders} received={show.received} missing={show.missing} "
            f"doubled={show.doubled} wrong_status={show.wrong_status} ended={show.ended} "
            f"totals_match={show.totals_match} commission_diff={show.commission_diff:.2f}",
            flush=True,
        )
    print(
        f"chaos: {result.seconds:.1f} s, crossed={result.crossed}, "
        f"stray_shows={result.stray_shows}",
        flush=True,
    )
    if not result.ok:
        print("chaos: NOT OK: see the shows above", flush=True)
    print(result.line(), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
