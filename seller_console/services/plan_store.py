"""Saving, opening and autosaving show plans off the caller's event loop.

The autosave is a plan file of its own beside the app's data: written a moment after
every edit, removed when the user saves or discards, so one that exists at start-up is
work a crash would otherwise have lost.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from seller_console.domain.rundown import ShowPlan
from seller_console.importers.show_plan import ShowPlanError, load_plan, save_plan


@dataclass(frozen=True, slots=True)
class Recovery:
    """An autosave found at start-up: the plan and when it was written."""

    plan: ShowPlan
    saved_at: datetime


class PlanStore:
    def __init__(self, autosave_file: Path) -> None:
        self.autosave_file = autosave_file

    async def save(self, path: Path, plan: ShowPlan) -> None:
        """Save to ``path``; raises ``ShowPlanError`` with a user-facing reason."""
        await asyncio.to_thread(save_plan, path, plan)

    async def open(self, path: Path) -> ShowPlan:
        return await asyncio.to_thread(load_plan, path)

    async def autosave(self, plan: ShowPlan) -> None:
        await asyncio.to_thread(save_plan, self.autosave_file, plan)

    async def discard_autosave(self) -> None:
        await asyncio.to_thread(self.autosave_file.unlink, True)

    async def recovery(self) -> Recovery | None:
        """The autosave left by a run that did not end cleanly, if it can be read."""
        return await asyncio.to_thread(self._read_recovery)

    def _read_recovery(self) -> Recovery | None:
        try:
            stamp = self.autosave_file.stat().st_mtime
        except FileNotFoundError:
            return None
        try:
            plan = load_plan(self.autosave_file)
        except ShowPlanError:
            return None
        return Recovery(plan, datetime.fromtimestamp(stamp, UTC))
