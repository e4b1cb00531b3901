"""The rundown side of the window: edits through an undo stack, files, autosave, pre-flight.

Every edit is a ``QUndoCommand`` that calls the domain's ``Rundown``; the rules (order,
timing, what pre-flight reports) stay in ``domain.rundown``. Each change schedules an
autosave a moment later, so a crash loses at most that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from seller_console.domain.catalog import Catalog, VariantRef
from seller_console.domain.errors import DomainError
from seller_console.domain.rundown import (
    CheckStatus,
    PlatformFindings,
    PreflightIssue,
    ProductSnapshot,
    Rundown,
    RundownError,
    RundownItem,
    ShowPlan,
    check_tally,
    preflight,
)
from seller_console.importers.fields import CellError, parse_rate
from seller_console.importers.show_plan import ShowPlanError
from seller_console.services.commission_rates import RateFor
from seller_console.services.plan_store import PlanStore, Recovery
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.models.rundown_model import RundownTableModel

log = logging.getLogger(__name__)
AUTOSAVE_DELAY_MS = 1500
MAX_TITLE_CHARS = 200
PlatformCheck = Callable[[tuple[RundownItem, ...]], Awaitable[PlatformFindings]]
"""Asks the profile's platform about the rundown's products, off the window's thread."""


def findings_summary(findings: PlatformFindings, items: Sequence[RundownItem]) -> str:
    """One line for the pre-flight dock: what the platform check found for ``items`` (the
    rundown now: it follows every edit, as the list of issues does), or why it could not."""
    if findings.status is CheckStatus.UNREACHABLE:
        return f"{findings.platform} could not be reached: {findings.detail}"
    if findings.status is CheckStatus.NOT_NEEDED:
        return findings.detail
    tally = check_tally(items, findings)
    since = f"; {tally.unchecked} added or changed since: check again" if tally.unchecked else ""
    return (
        f"Checked on {findings.platform}: {tally.looked_up} "
        f"product{'s' if tally.looked_up != 1 else ''} looked up, {tally.not_found} not found "
        f"(selling in {findings.currency or 'an unknown currency'}){since}"
    )


class _Command(QUndoCommand):
    def __init__(self, vm: RundownViewModel, text: str) -> None:
        super().__init__(text)
        self.vm = vm


class _Add(_Command):
    def __init__(self, vm: RundownViewModel, index: int, items: Sequence[RundownItem]) -> None:
        super().__init__(vm, f"Add {len(items)} item{'s' if len(items) != 1 else ''}")
        self.index, self.items = index, list(items)

    def redo(self) -> None:
        self.vm.rundown.insert(self.index, self.items)
        self.vm.changed_items([i.id for i in self.items])

    def undo(self) -> None:
        self.vm.rundown.remove([i.id for i in self.items])
        self.vm.changed_items([])


class _Remove(_Command):
    def __init__(self, vm: RundownViewModel, ids: Sequence[str]) -> None:
        super().__init__(vm, f"Remove {len(ids)} item{'s' if len(ids) != 1 else ''}")
        self.ids = list(ids)
        self.removed: list[tuple[int, RundownItem]] = []

    def redo(self) -> None:
        self.removed = self.vm.rundown.remove(self.ids)
        self.vm.changed_items([])

    def undo(self) -> None:
        self.vm.rundown.restore(self.removed)
        self.vm.changed_items(self.ids)


class _Move(_Command):
    def __init__(self, vm: RundownViewModel, ids: Sequence[str], dest: int) -> None:
        super().__init__(vm, "Reorder")
        self.ids, self.dest = list(ids), dest
        self.before: list[str] = []

    def redo(self) -> None:
        self.before = self.vm.rundown.move(self.ids, self.dest)
        self.vm.changed_items(self.ids)

    def undo(self) -> None:
        self.vm.rundown.reorder(self.before)
        self.vm.changed_items(self.ids)


class _Edit(_Command):
    def __init__(self, vm: RundownViewModel, new: RundownItem, text: str) -> None:
        super().__init__(vm, text)
        self.new = new
        self.old = vm.rundown.item(new.id)

    def redo(self) -> None:
        self.vm.rundown.replace(self.new)
        self.vm.changed_items([self.new.id])

    def undo(self) -> None:
        self.vm.rundown.replace(self.old)
        self.vm.changed_items([self.old.id])


class _Title(_Command):
    def __init__(self, vm: RundownViewModel, title: str) -> None:
        super().__init__(vm, "Rename the show")
        self.old, self.new = vm.title, title

    def redo(self) -> None:
        self.vm.title = self.new
        self.vm.file_changed.emit()

    def undo(self) -> None:
        self.vm.title = self.old
        self.vm.file_changed.emit()


class RundownViewModel(QObject):
    changed = Signal(list)  # ids of the items to select after the change
    file_changed = Signal()  # path, title or saved state
    loaded = Signal()  # another plan replaced the rundown (new, opened or recovered)
    preflight_changed = Signal(list)  # list[PreflightIssue]
    platform_check_changed = Signal(bool, str)  # running, what the check found or does
    failed = Signal(str)  # a message for the user
    autosaved = Signal()

    def __init__(self, tasks: TaskScope, store: PlanStore) -> None:
        super().__init__()
        self._tasks = tasks
        self._store = store
        self.rundown = Rundown()
        self.title = "Untitled show"
        self.notes = ""
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.model = RundownTableModel(lambda: self.rundown)
        self.issues: list[PreflightIssue] = []
        self.platform_check: PlatformCheck | None = None  # set by the window
        self.findings: PlatformFindings | None = None
        self.checking = False
        self._check_round = 0  # a profile change makes a check under way stale
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self._start_autosave)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._index_changed)

    def _clean_changed(self, _clean: bool) -> None:
        self.file_changed.emit()

    def _index_changed(self, _index: int) -> None:
        self._autosave.start()

    # ------------------------------------------------------------ state
    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def plan(self) -> ShowPlan:
        return ShowPlan(self.title, self.rundown.items, self.notes)

    def changed_items(self, select: list[str]) -> None:
        self.model.refresh()
        self._check()
        self.changed.emit(select)

    def _check(self) -> None:
        self.issues = preflight(self.rundown.items, platform=self.findings)
        self.preflight_changed.emit(self.issues)
        if self.findings is not None and not self.checking:
            summary = findings_summary(self.findings, self.rundown.items)
            self.platform_check_changed.emit(False, summary)

    # ------------------------------------------------------------ pre-flight on the platform
    def check_platform(self) -> None:
        """Ask the profile's platform which items it can sell and at what price (in the
        live engine's process); the answer joins the pre-flight issues."""
        check = self._begin_check()
        if check is not None:
            self._tasks.start(self._check_platform(check), name="platform preflight")

    async def ensure_platform_checked(self) -> None:
        """Before Go live: check on the platform now unless a check has answered (or is
        under way) for this profile, so the question before air includes what it says."""
        check = self._begin_check() if self.findings is None else None
        if check is not None:
            await self._check_platform(check)

    def _begin_check(self) -> PlatformCheck | None:
        if self.platform_check is None or self.checking:
            return None
        self.checking = True
        self.platform_check_changed.emit(True, "Checking the products on the platform…")
        return self.platform_check

    async def _check_platform(self, check: PlatformCheck) -> None:
        round_ = self._check_round
        try:
            findings = await check(self.rundown.items)
        except DomainError as exc:  # the live engine stopped before it answered
            findings = PlatformFindings("The platform", CheckStatus.UNREACHABLE, detail=str(exc))
        finally:
            if round_ == self._check_round:
                self.checking = False
        if round_ != self._check_round:  # asked of the profile before the last change
            return
        self.findings = findings
        self._check()  # the issues and the summary, for the rundown as it is now

    def forget_platform_check(self) -> None:
        """The profile changed: what the last one said (or is about to say) no longer holds."""
        self._check_round += 1
        self.checking = False
        self.findings = None
        self.platform_check_changed.emit(False, "")
        self._check()

    # ------------------------------------------------------------ one-click fixes
    def set_sku(self, item_id: str, text: str) -> bool:
        sku = text.strip()
        if not sku:
            self.failed.emit("Type the SKU the platform knows the product by.")
            return False
        product = replace(self.rundown.item(item_id).product, sku=sku)
        return self.edit(item_id, "Set SKU", product=product)

    def set_commission(self, item_id: str, text: str) -> bool:
        try:
            rate = parse_rate(text)
        except CellError as exc:
            self.failed.emit(f"Commission: {exc}")
            return False
        if rate is None:
            self.failed.emit("Type a commission rate, e.g. 15%.")
            return False
        product = replace(self.rundown.item(item_id).product, commission_rate=rate)
        return self.edit(item_id, "Set commission", product=product)

    # ------------------------------------------------------------ edits
    def add(self, refs: Sequence[tuple[Catalog, VariantRef]], at: int | None = None) -> None:
        if not refs:
            return
        items = [RundownItem.new(ProductSnapshot.of(ref, catalog.name)) for catalog, ref in refs]
        index = len(self.rundown) if at is None else at
        self.undo_stack.push(_Add(self, index, items))

    def remove(self, ids: Sequence[str]) -> None:
        if ids:
            self.undo_stack.push(_Remove(self, ids))

    def move(self, ids: Sequence[str], dest: int) -> None:
        if not ids:
            return
        order = [i.id for i in self.rundown.items]
        probe = Rundown(self.rundown.items)
        probe.move(ids, dest)
        if [i.id for i in probe.items] != order:  # a drop in place changes nothing
            self.undo_stack.push(_Move(self, ids, dest))

    def edit(self, item_id: str, text: str, **changes: object) -> bool:
        """Apply field changes to one item; False (and ``failed``) when a rule refuses.
        ``text`` names the edit (its undo entry), and leads the refusal: the rule's words
        are a clause, not a sentence."""
        current = self.rundown.item(item_id)
        try:
            new = current.edited(**changes)
        except (DomainError, TypeError) as exc:
            self.failed.emit(f"{text}: {exc}")
            return False
        if new != current:
            self.undo_stack.push(_Edit(self, new, text))
        return True

    def set_rates(self, catalog: str, rate_for: RateFor) -> int:
        """Commission rates set by hand for ``catalog``'s products, on the items taken
        from it (one undoable step); how many items changed."""
        changed = []
        for item in self.rundown.items:
            product = item.product
            if product.catalog != catalog:
                continue
            rate = rate_for(product.brand, product.product_id)
            if rate is not None and rate != product.commission_rate:
                changed.append(item.edited(product=replace(product, commission_rate=rate)))
        self._push_edits("Set commission", changed)
        return len(changed)

    def use_catalog_rates(self, catalog: Catalog, brand: str | None, product_id: str | None) -> int:
        """The items taken from ``catalog`` for ``product_id`` (or, when None, of ``brand``)
        take the rate their variant has in it now (a rate set by hand was taken off: the
        file's, or the brand's set by hand); one undoable step; how many items changed."""
        changed = []
        for item in self.rundown.items:
            product = item.product
            if product_id is not None:
                subject = product.product_id == product_id
            else:
                subject = product.brand == brand
            if product.catalog != catalog.name or not subject:
                continue
            ref = catalog.variant(product.variant_id)
            if ref is None or ref.variant.commission_rate == product.commission_rate:
                continue
            rate = ref.variant.commission_rate
            changed.append(item.edited(product=replace(product, commission_rate=rate)))
        self._push_edits("Use the file's commission", changed)
        return len(changed)

    def set_links(self, links: Mapping[str, str]) -> int:
        """Keep affiliate links (item id to link) on the items still in the rundown, so the
        saved plan carries them: one undoable step for them all; how many items changed."""
        changed = []
        for item in self.rundown.items:
            url = links.get(item.id)
            if url is None or url == item.affiliate_link:
                continue
            try:
                changed.append(item.edited(affiliate_link=url))
            except DomainError as exc:
                self.failed.emit(f"{item.product.display_title}: {exc}")
        self._push_edits("Affiliate links", changed)
        return len(changed)

    def _push_edits(self, text: str, changed: Sequence[RundownItem]) -> None:
        """Replace several items as one undo step."""
        if not changed:
            return
        self.undo_stack.beginMacro(text)
        for new in changed:
            self.undo_stack.push(_Edit(self, new, text))
        self.undo_stack.endMacro()

    def set_title(self, text: str) -> None:
        """Rename the show (undoable); raises ``RundownError`` saying what is wrong."""
        title = " ".join(text.split())
        if not title:
            raise RundownError("a show needs a title")
        if len(title) > MAX_TITLE_CHARS:
            raise RundownError(f"at most {MAX_TITLE_CHARS} characters (this one has {len(title)})")
        if title != self.title:
            self.undo_stack.push(_Title(self, title))

    # ------------------------------------------------------------ files
    def load(self, plan: ShowPlan, path: Path | None) -> None:
        self.undo_stack.clear()
        self.rundown = Rundown(plan.items)
        self.title, self.notes, self.path = plan.title, plan.notes, path
        self.changed_items([])
        self.file_changed.emit()
        self.loaded.emit()

    async def find_recovery(self) -> Recovery | None:
        """The autosave a run that did not end cleanly left behind, if any."""
        return await self._store.recovery()

    def recover(self, recovery: Recovery) -> None:
        """Open an autosaved plan as unsaved work: it keeps its file (Save writes there),
        and closing asks to save."""
        self.load(recovery.plan, recovery.path)
        self.undo_stack.resetClean()
        self.file_changed.emit()

    async def open(self, path: Path) -> bool:
        try:
            plan = await self._store.open(path)
        except ShowPlanError as exc:
            self.failed.emit(f"Cannot open {exc}")
            return False
        self.load(plan, path)
        return True

    async def save(self, path: Path | None = None) -> bool:
        target = path or self.path
        if target is None:
            return False
        try:
            await self._store.save(target, self.plan())
        except ShowPlanError as exc:
            self.failed.emit(f"Cannot save {exc}")
            return False
        self.path = target
        self.undo_stack.setClean()
        self._autosave.stop()
        await self._store.discard_autosave()
        self.file_changed.emit()
        return True

    async def flush(self) -> None:
        """At shutdown: write a pending autosave now instead of losing it with the timer."""
        pending = self._autosave.isActive()
        self._autosave.stop()
        if pending and self.dirty:
            await self._write_autosave()

    async def discard_autosave(self) -> None:
        self._autosave.stop()
        await self._store.discard_autosave()

    def _start_autosave(self) -> None:
        if self.dirty:
            self._tasks.start(self._write_autosave(), name="autosave")

    async def _write_autosave(self) -> None:
        try:
            await self._store.autosave(self.plan(), self.path)
        except ShowPlanError as exc:
            self.failed.emit(f"Autosave failed: {exc.reason}")
            return
        self.autosaved.emit()
