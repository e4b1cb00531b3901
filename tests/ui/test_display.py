"""First run on Linux: a clear message, not a Qt abort, when the window cannot open."""

from __future__ import annotations

from pathlib import Path

from seller_console.ui.display import XCB_PACKAGES, display_problem, x_reachable, xcb_plugin

ROOT = Path(__file__).resolve().parents[2]
X11 = {"DISPLAY": ":0"}


def loader(missing: set[str]):
    def load(name: str) -> object:
        if name in missing or (name.endswith("libqxcb.so") and missing):
            raise OSError(f"{sorted(missing)[0]}: cannot open shared object file")
        return object()

    return load


def test_missing_xcb_libraries_are_named_with_their_packages(tmp_path):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    text = display_problem(
        X11, plugin, loader({"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}), "linux"
    )
    assert text is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in text
    assert text.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    everything_there = display_problem(X11, plugin, loader(set()), "linux", lambda d: True)
    assert everything_there is None


def test_no_display_and_a_silent_display_say_so(tmp_path):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    text = display_problem({}, plugin, loader(set()), "linux")
    assert text is not None
    assert "no display (DISPLAY is not set)" in text
    silent = display_problem({"DISPLAY": ":4711"}, plugin, loader(set()), "linux")
    assert silent is not None
    assert "':4711' (DISPLAY) does not answer" in silent
    assert not x_reachable(":4711")  # the real libxcb: nothing listens there


def test_only_the_x11_plugin_is_checked(tmp_path):
    broken = loader({"libxcb.so.1"})
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, None, broken, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, None, broken, "linux") is None
    assert display_problem({}, None, broken, "win32") is None
    assert xcb_plugin().name == "libqxcb.so"


def test_the_readme_lists_every_package_the_window_needs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in XCB_PACKAGES.values():
        assert package in readme, package
