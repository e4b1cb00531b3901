"""Take the README's window screenshots from a real window (run it under Xvfb).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots.py \
        --theme light --out docs

writes ``window-prepare[-SIZE][-dark].png`` and ``window-live[-SIZE][-dark].png``: the
window fills the screen (as maximised), with the demo catalog and sample rundown, then
mid-show on the embedded sandbox after three takes (its simulated audience buying). The
1366x768 light pair has no suffix (the README's first pictures). Everything the app keeps
goes to a temporary folder (``SELLER_CONSOLE_HOME``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from seller_console.app import Console
from seller_console.paths import AppPaths
from seller_console.selftest import _confirmed, wait_for
from seller_console.ui.actions import ActionId
from seller_console.ui.theme import FusionStyle, palette

TAKES = 3
SECONDS_PER_TAKE = 4.0


def _name(kind: str, size: str, theme: str) -> str:
    suffix = "" if size == "1366x768" else f"-{size}"
    return f"window-{kind}{suffix}{'-dark' if theme == 'dark' else ''}.png"


async def shoot(app: QApplication, out: Path, theme: str, home: Path) -> list[Path]:
    console = Console(app, AppPaths(home / "config", home / "data", home / "cache"))
    window = console.window
    screen = window.screen().availableGeometry()
    size = f"{screen.width()}x{screen.height()}"
    window.setGeometry(screen)  # as maximised (Xvfb has no window manager to do it)
    window.show()
    written = []
    try:
        await console.start(offer_unfinished=False)
        target = out / _name("prepare", size, theme)
        await console.screenshot(target)
        written.append(target)
        if not await window.go_live():
            raise RuntimeError("going live failed")
        live = console.live_vm
        await wait_for(lambda: live.is_live, 30, "the show to go live")
        for _ in range(TAKES):
            window.actions_by_id[ActionId.TAKE].trigger()
            await live.flush()
            stage = live.state.stage
            item = stage.live if stage is not None else None
            assert item is not None
            await wait_for(partial(_confirmed, live, item.id), 30, "the pin")
            await asyncio.sleep(SECONDS_PER_TAKE)
        target = out / _name("live", size, theme)
        await console.screenshot(target)
        written.append(target)
        await live.end_show()
    finally:
        window._may_close = True
        window.close()
        await console.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seller-console-shots-") as home:
        os.environ["SELLER_CONSOLE_HOME"] = home
        app = QApplication([sys.argv[0]])
        app.setStyle(FusionStyle())
        app.setPalette(palette(args.theme == "dark"))
        app.setQuitOnLastWindowClosed(False)
        written = qasync.run(shoot(app, args.out, args.theme, Path(home)))
    for path in written:
        print(f"screenshot: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
