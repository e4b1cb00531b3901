"""Saving, opening and autosaving show plans off the caller's event loop.

The autosave is a plan file of its own beside the app's data: written a moment after
every edit, removed when the user saves or discards, so one that exists at start-up is
work a crash would otherwise have lost. Beside it, a small file names the plan's own file
(when it has one), so a recovered plan is saved where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from seller_console.domain.rundown import ShowPlan
from seller_console.importers.show_plan import ShowPlanError, load_plan, save_plan

# asyncio is imported where it is used: it loads after the window's first paint.


@dataclass(frozen=True, slots=True)
class Recovery:
    """An autosave found at start-up: the plan, when it was written, and the plan's own
    file (None: it had none yet)."""

    plan: ShowPlan
    saved_at: datetime
    path: Path | None = None


_MAX_SOURCE_CHARS = 4096


class PlanStore:
    def __init__(self, autosave_file: Path) -> None:
        self.autosave_file = autosave_file
        self.source_file = autosave_file.with_name(autosave_file.name + ".source")

    async def save(self, path: Path, plan: ShowPlan) -> None:
        """Save to ``path``; raises ``ShowPlanError`` with a user-facing reason."""
        import asyncio

        await asyncio.to_thread(save_plan, path, plan)

    async def open(self, path: Path) -> ShowPlan:
        import asyncio

        return await asyncio.to_thread(load_plan, path)

    async def autosave(self, plan: ShowPlan, source: Path | None = None) -> None:
        """Autosave ``plan``, with the file it belongs to (``source``), if any."""
        import asyncio

        await asyncio.to_thread(self._autosave, plan, source)

    def _autosave(self, plan: ShowPlan, source: Path | None) -> None:
        if source is None:
            self.source_file.unlink(missing_ok=True)
        else:
            try:
                self.source_file.parent.mkdir(parents=True, exist_ok=True)
                self.source_file.write_text(str(source.absolute()), encoding="utf-8")
            except (OSError, UnicodeEncodeError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc)
                raise ShowPlanError(self.source_file, f"cannot be written ({reason})") from exc
        save_plan(self.autosave_file, plan)

    async def discard_autosave(self) -> None:
        import asyncio

        await asyncio.to_thread(self._discard)

    def _discard(self) -> None:
        self.autosave_file.unlink(missing_ok=True)
        self.source_file.unlink(missing_ok=True)

    async def recovery(self) -> Recovery | None:
        """The autosave left by a run that did not end cleanly, if it can be read."""
        import asyncio

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
        return Recovery(plan, datetime.fromtimestamp(stamp, UTC), self._read_source())

    def _read_source(self) -> Path | None:
        """The plan's own file, when the autosave names one that is still a file."""
        try:
            with self.source_file.open(encoding="utf-8") as handle:
                text = handle.read(_MAX_SOURCE_CHARS + 1)
        except (OSError, UnicodeDecodeError):
            return None
        source = Path(text.strip()) if 0 < len(text) <= _MAX_SOURCE_CHARS else None
        return source if source is not None and source.is_absolute() else None
