"""The ingest service as a subprocess against the sandbox, killed with SIGKILL at random
moments and restarted: its ledger ends equal to the sandbox's orders list (none missing,
none doubled, every refund, commission to the cent). Small sizes; ``make chaos`` runs the
big one."""

from __future__ import annotations

import pytest

from seller_console.sandbox import SandboxFaults
from tests.chaos.harness import run_scenario

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


def test_killed_three_times_the_ledger_still_equals_the_platform() -> None:
    result = run_scenario(orders=1000, kills=3, faults=None, seed=3, catch_up_s=40)
    assert result.kills == 3
    assert (result.orders, result.received, result.missing, result.doubled) == (1000, 1000, 0, 0)
    assert result.wrong_status == 0
    assert result.commission_diff == 0
    assert result.totals_match


def test_killed_under_stream_faults_the_ledger_still_equals_the_platform() -> None:
    faults = SandboxFaults(
        error_rate=0.05, drop_every=(50, 200), duplicate_rate=0.05, reorder_window=4
    )
    result = run_scenario(orders=1000, kills=3, faults=faults, seed=4, catch_up_s=40)
    assert result.ok, result.line()
    assert result.received == 1000
