"""The PyInstaller bundle (``make bundle``): its size, and its start-up against the source app.

Skipped, with a line saying so, when ``dist/seller-console/`` holds no bundle.

- size: every file of ``dist/seller-console/`` (symlinks once), in MB, and its largest
  parts;
- start-up: ``seller-console --screenshot FILE`` run headless (``QT_QPA_PLATFORM=offscreen``,
  a fresh ``SELLER_CONSOLE_HOME`` per run) from the bundle and from the source checkout
  (``python -m seller_console``), alternately, after one warm-up run each; median of
  ``RUNS``. Two figures per side, both process wall times from ``Popen``: until the
  ``screenshot:`` line is printed (interpreter and imports, QApplication, the demo
  catalog's import, the window, the bounded wait for its images, the render) and until the
  process has exited (plus shutdown). Neither is a true "first window shown": that needs a
  hook in the app. Nothing is asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks._summary import summary

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "seller-console"
RUNS = 5
TIMEOUT_S = 120


def _exe() -> Path:
    return DIST / ("seller-console.exe" if sys.platform == "win32" else "seller-console")


def _size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_symlink() or p.is_file())
    return sum(p.lstat().st_size for p in files) / 1e6


def _largest(folder: Path, top: int = 6) -> str:
    inner = folder / "_internal"
    base = inner if inner.is_dir() else folder
    parts = sorted(
        (_size_mb(p) if p.is_dir() else p.lstat().st_size / 1e6, p.name) for p in base.iterdir()
    )
    return ", ".join(f"{name} {mb:.0f}" for mb, name in reversed(parts[-top:]))


def _run_once(argv: list[str]) -> tuple[float, float]:
    """(seconds until the ``screenshot:`` line, seconds until exit) of one headless run."""
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SELLER_CONSOLE_HOME=f"{tmp}/home")
        env.pop("SELLER_CONSOLE_BUNDLE_PROBE", None)
        png = Path(tmp) / "window.png"
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*argv, "--screenshot", str(png)],
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        shown = float("nan")
        for line in proc.stdout:
            if line.startswith("screenshot:"):
                shown = time.perf_counter() - start
        code = proc.wait(timeout=TIMEOUT_S)
        ended = time.perf_counter() - start
        if code != 0 or not png.is_file():
            raise RuntimeError(f"{argv[0]} --screenshot failed (exit {code})")
        return shown, ended


def main() -> None:
    exe = _exe()
    if not exe.is_file():
        print(f"bundle: skipped, no bundle at {exe.relative_to(ROOT)} (run `make bundle`)")
        print(summary("bundle", {}, skipped="no_bundle"))
        return
    size_mb = _size_mb(DIST)
    print(f"bundle size: {size_mb:.1f} MB ({DIST.relative_to(ROOT)}/)")
    print(f"bundle largest parts (MB): {_largest(DIST)}")
    sides = {"bundle": [str(exe)], "source": [sys.executable, "-m", "seller_console"]}
    for argv in sides.values():  # warm-up: page cache, font cache, .pyc files
        _run_once(argv)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for _ in range(RUNS):
        for name, argv in sides.items():
            times[name].append(_run_once(argv))
    medians = {
        name: (statistics.median(t[0] for t in runs), statistics.median(t[1] for t in runs))
        for name, runs in times.items()
    }
    for name, (shown, ended) in medians.items():
        print(
            f"{name} --screenshot: {shown:.2f} s to its 'screenshot:' line, "
            f"{ended:.2f} s to exit (median of {RUNS}, offscreen)"
        )
    ratio_shown = medians["bundle"][0] / medians["source"][0]
    ratio_ended = medians["bundle"][1] / medians["source"][1]
    print(
        f"bundle/source start-up ratio: {ratio_shown:.2f}x to the screenshot line, "
        f"{ratio_ended:.2f}x to exit (process wall time incl. demo import and render)"
    )
    print(
        summary(
            "bundle",
            {
                "size_mb": size_mb,
                "startup_ratio": ratio_shown,
                "exit_ratio": ratio_ended,
                "startup_s": medians["bundle"][0],
                "source_startup_s": medians["source"][0],
            },
        )
    )


if __name__ == "__main__":
    main()
