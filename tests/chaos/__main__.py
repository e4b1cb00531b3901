"""``python -m tests.chaos`` (``make chaos``): the crash scenario at full size, faults on.

CHAOS_ORDERS (default 20000) and CHAOS_KILLS (default 20) size it. The last line printed is
``chaos: orders=N received=N missing=0 doubled=0 kills=K commission_diff=0.00``; the exit
status is 1 when anything is missing, doubled, in the wrong state or off by a cent.
"""

from __future__ import annotations

import os
import sys

from tests.chaos.harness import CHAOS_FAULTS, run_scenario


def main() -> int:
    orders = int(os.environ.get("CHAOS_ORDERS", "20000"))
    kills = int(os.environ.get("CHAOS_KILLS", "20"))
    result = run_scenario(orders=orders, kills=kills, faults=CHAOS_FAULTS, catch_up_s=180)
    print(
        f"chaos: {result.seconds:.1f} s, wrong_status={result.wrong_status}, "
        f"totals_match={result.totals_match}",
        flush=True,
    )
    print(result.line(), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
