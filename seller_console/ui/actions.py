"""Every menu action in one table: its text and shortcut, which the Help menu also lists."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QKeySequence


class ActionId(Enum):
    OPEN_CATALOG = "open_catalog"
    CLOSE_CATALOGS = "close_catalogs"
    NEW_PLAN = "new_plan"
    OPEN_PLAN = "open_plan"
    SAVE_PLAN = "save_plan"
    SAVE_PLAN_AS = "save_plan_as"
    IMPORT_REPORT = "import_report"
    QUIT = "quit"
    UNDO = "undo"
    REDO = "redo"
    FIND = "find"
    ADD_TO_RUNDOWN = "add_to_rundown"
    REMOVE_FROM_RUNDOWN = "remove_from_rundown"
    MOVE_UP = "move_up"
    MOVE_DOWN = "move_down"
    FOCUS_CATALOG = "focus_catalog"
    FOCUS_RUNDOWN = "focus_rundown"
    PREFLIGHT = "preflight"
    RESET_LAYOUT = "reset_layout"
    GO_LIVE = "go_live"
    TAKE = "take"
    UNDO_TAKE = "undo_take"
    ARM_NEXT = "arm_next"
    ARM_PREVIOUS = "arm_previous"
    ARM_1 = "arm_1"
    ARM_2 = "arm_2"
    ARM_3 = "arm_3"
    ARM_4 = "arm_4"
    ARM_5 = "arm_5"
    ARM_6 = "arm_6"
    ARM_7 = "arm_7"
    ARM_8 = "arm_8"
    ARM_9 = "arm_9"
    END_SHOW = "end_show"
    PREPARE_NEXT = "prepare_next"
    PLATFORM = "platform"
    PAST_SHOWS = "past_shows"
    RESUME_UNFINISHED = "resume_unfinished"
    HOST_VIEW = "host_view"
    COPY_OVERLAY_URL = "copy_overlay_url"
    OBS = "obs"
    SHORTCUTS = "shortcuts"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    text: str
    keys: tuple[QKeySequence.StandardKey | str, ...] = ()


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.OPEN_CATALOG: ActionSpec("&Open catalog…", (QKeySequence.StandardKey.Open,)),
    ActionId.CLOSE_CATALOGS: ActionSpec("Close all catalogs"),
    ActionId.NEW_PLAN: ActionSpec("&New show plan", (QKeySequence.StandardKey.New,)),
    ActionId.OPEN_PLAN: ActionSpec("Open show &plan…", ("Ctrl+Shift+O",)),
    ActionId.SAVE_PLAN: ActionSpec("&Save show plan", (QKeySequence.StandardKey.Save,)),
    ActionId.SAVE_PLAN_AS: ActionSpec("Save show plan &as…", ("Ctrl+Shift+S",)),
    ActionId.IMPORT_REPORT: ActionSpec("Last import &report…", ("Ctrl+R",)),
    ActionId.QUIT: ActionSpec("&Quit", ("Ctrl+Q",)),
    ActionId.UNDO: ActionSpec("&Undo", (QKeySequence.StandardKey.Undo,)),
    ActionId.REDO: ActionSpec("&Redo", ("Ctrl+Shift+Z", "Ctrl+Y")),
    ActionId.FIND: ActionSpec("&Find in catalog", (QKeySequence.StandardKey.Find,)),
    ActionId.ADD_TO_RUNDOWN: ActionSpec("&Add to rundown", ("Ctrl+Return",)),
    ActionId.REMOVE_FROM_RUNDOWN: ActionSpec("Re&move from rundown", ("Ctrl+Backspace",)),
    ActionId.MOVE_UP: ActionSpec("Move item &up", ("Alt+Up",)),
    ActionId.MOVE_DOWN: ActionSpec("Move item &down", ("Alt+Down",)),
    ActionId.FOCUS_CATALOG: ActionSpec("Go to &catalog", ("Ctrl+1",)),
    ActionId.FOCUS_RUNDOWN: ActionSpec("Go to &rundown", ("Ctrl+2",)),
    ActionId.PREFLIGHT: ActionSpec("&Pre-flight check", ("Ctrl+3",)),
    ActionId.RESET_LAYOUT: ActionSpec("Reset &layout"),
    ActionId.GO_LIVE: ActionSpec("&Go live", ("Ctrl+L",)),
    ActionId.TAKE: ActionSpec("&Take the armed product", ("Space",)),
    ActionId.UNDO_TAKE: ActionSpec("&Undo the last take", ("Ctrl+U",)),
    ActionId.ARM_NEXT: ActionSpec("Arm &next", ("Down", "Right")),
    ActionId.ARM_PREVIOUS: ActionSpec("Arm &previous", ("Up", "Left")),
    **{ActionId[f"ARM_{n}"]: ActionSpec(f"Arm rundown item {n}", (f"F{n}",)) for n in range(1, 10)},
    ActionId.END_SHOW: ActionSpec("&End show…", ("Ctrl+E",)),
    ActionId.PREPARE_NEXT: ActionSpec("Prepare the &next show"),
    ActionId.PLATFORM: ActionSpec("P&latform…"),
    ActionId.PAST_SHOWS: ActionSpec("Past &shows…"),
    ActionId.RESUME_UNFINISHED: ActionSpec("&Resume unfinished show…"),
    ActionId.HOST_VIEW: ActionSpec("&Host view", ("F11",)),
    ActionId.COPY_OVERLAY_URL: ActionSpec("Copy the &overlay's address"),
    ActionId.OBS: ActionSpec("O&BS…"),
    ActionId.SHORTCUTS: ActionSpec("&Keyboard shortcuts", ("Shift+F1",)),
}

# Active only while a show is live: on air, Space and the arrows drive the stage.
LIVE_ONLY = frozenset(
    {
        ActionId.TAKE,
        ActionId.UNDO_TAKE,
        ActionId.ARM_NEXT,
        ActionId.ARM_PREVIOUS,
        *(ActionId[f"ARM_{n}"] for n in range(1, 10)),
        ActionId.END_SHOW,
    }
)

# Keys that work inside a view without a menu action (listed in Help all the same).
VIEW_KEYS = (
    ("Enter / double-click", "add the catalog selection to the rundown"),
    ("Delete", "remove the selected rundown items"),
    ("Drag", "from the catalog into the rundown, or within the rundown to reorder"),
)


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    return [QKeySequence(k) for k in spec.keys]
