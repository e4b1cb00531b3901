"""Before the window: can Qt's X11 (xcb) platform plugin load here?

When it cannot, Qt aborts the process with a message that often names the wrong library
(it blames ``libxcb-cursor0`` when ``libxcb-icccm4`` is missing). This check runs before the
``QApplication`` exists: it loads the plugin the way Qt will, and on failure names every
missing library and the Debian/Ubuntu package that provides it, so the app can exit with a
clear message instead. No Qt here: importing Qt is safe, creating the application is not.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# What ``libqxcb.so`` and ``libQt6XcbQpa.so.6`` load from the system (``ldd`` on PySide6
# 6.x), and the Debian 12 / Ubuntu 22.04+ package of each. The README lists the same.
XCB_PACKAGES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}

Loader = Callable[[str], object]


def xcb_plugin() -> Path:
    """Where PySide6 keeps the xcb plugin (the same place in the frozen app)."""
    import PySide6  # the package only: no Qt library is loaded by this

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def _loads(name: str, load: Loader) -> bool:
    try:
        load(name)
    except OSError:
        return False
    return True


def x_reachable(display: str) -> bool:
    """Whether an X connection to ``display`` opens (libxcb, as Qt will connect)."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return int(xcb.xcb_connection_has_error(connection)) == 0
    finally:
        xcb.xcb_disconnect(connection)


def display_problem(
    env: Mapping[str, str] | None = None,
    plugin: Path | None = None,
    load: Loader = ctypes.CDLL,
    platform: str = sys.platform,
    reachable: Callable[[str], bool] = x_reachable,
) -> str | None:
    """Why the window cannot open on this X11 desktop, in words a user can act on; None
    when it can (or when Qt will not use xcb: another platform, Wayland, not Linux)."""
    env = os.environ if env is None else env
    chosen = env.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux") or chosen not in ("", "xcb"):
        return None
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return None  # Qt may open the window on Wayland: its own plugin, its own checks
    if not env.get("DISPLAY"):
        return (
            "Seller Console cannot open its window: there is no display (DISPLAY is not "
            "set). Start it from a desktop session, or under a virtual display "
            "(xvfb-run seller-console); seller-console --self-test runs without one."
        )
    path = plugin or xcb_plugin()
    if not path.exists():
        return None  # not this PySide6's layout: Qt says what it finds
    if _loads(str(path), load):
        if reachable(env["DISPLAY"]):
            return None
        return (
            f"Seller Console cannot open its window: the display {env['DISPLAY']!r} "
            "(DISPLAY) does not answer. Is the X server running, and may this user use it "
            "(xauth)?"
        )
    missing = [name for name in XCB_PACKAGES if not _loads(name, load)]
    if not missing:
        return (
            "Seller Console cannot open its window: Qt's X11 platform plugin "
            f"({path}) does not load, though every system library it needs is present. "
            "Reinstalling the app may fix it."
        )
    packages = " ".join(dict.fromkeys(XCB_PACKAGES[name] for name in missing))
    return (
        "Seller Console cannot open its window: the system libraries Qt needs to draw on "
        f"X11 are missing ({', '.join(missing)}). On Debian or Ubuntu install them with:\n"
        f"  sudo apt-get install {packages}"
    )
