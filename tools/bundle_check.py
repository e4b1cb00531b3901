"""``make bundle-check``: run the built app (dist/seller-console/) headless and check it.

Two runs, each with ``QT_QPA_PLATFORM=offscreen`` and ``SELLER_CONSOLE_HOME`` set to a
fresh temp folder (nothing of the user's is read or written):

1. the bundle probe (``SELLER_CONSOLE_BUNDLE_PROBE=1``, tools/bundle_probe.py, a runtime
   hook): keyring's backends through entry points, the sandbox answering over loopback,
   lxml/certifi/qasync, resources/ and the version; every line must say ``ok``;
2. ``--self-test``: a whole show on the embedded sandbox (go live, three pins, orders,
   totals checked against the platform to the cent, the report); it must exit 0 and print
   its ``self-test: ok`` line.

The probe covers what the self-test does not reach (every keyring backend, certifi's CA
file). Prints the bundle's size. Exit 0 when everything passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "seller-console"
TIMEOUT_S = 120
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class AppCheck:
    """How the app is asked to check itself, and how its result is judged."""

    name: str
    args: Callable[[Path], list[str]]  # tmp folder -> argv after the executable
    verify: Callable[[Path, str], str | None]  # tmp folder, stdout -> problem or None


def _screenshot_problem(tmp: Path, stdout: str) -> str | None:
    png = tmp / "window.png"
    if f"screenshot: {png}" not in stdout:
        return "no 'screenshot:' line on stdout"
    if not png.is_file() or png.read_bytes()[:8] != PNG_MAGIC:
        return f"no PNG at {png}"
    return None


SCREENSHOT = AppCheck(
    "--screenshot", lambda tmp: ["--screenshot", str(tmp / "window.png")], _screenshot_problem
)


def _self_test_problem(tmp: Path, stdout: str) -> str | None:
    if not any(line.startswith("self-test: ok") for line in stdout.splitlines()):
        return "no 'self-test: ok' line on stdout"
    return None


SELF_TEST = AppCheck("--self-test", lambda tmp: ["--self-test"], _self_test_problem)
APP_CHECK = SELF_TEST


def executable(dist: Path = DIST) -> Path:
    """The bundle's launcher: seller-console, or seller-console.exe on Windows."""
    name = "seller-console.exe" if sys.platform == "win32" else "seller-console"
    return dist / name


def bundle_size_mb(dist: Path = DIST) -> float:
    """Bytes on disk of every file (symlinks, which PyInstaller makes, count once), in MB."""
    return sum(p.lstat().st_size for p in dist.rglob("*") if not p.is_dir() or p.is_symlink()) / 1e6


def headless_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", SELLER_CONSOLE_HOME=str(home))
    env.pop("SELLER_CONSOLE_BUNDLE_PROBE", None)
    return env


def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own executable)
        argv, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    elapsed = time.perf_counter() - start
    if done.stderr.strip():
        print(done.stderr.rstrip(), file=sys.stderr)
    return done.returncode, done.stdout, elapsed


def check_probe(exe: Path) -> bool:
    with tempfile.TemporaryDirectory(prefix="bundle-check-") as tmp:
        env = headless_env(Path(tmp))
        env["SELLER_CONSOLE_BUNDLE_PROBE"] = "1"
        code, out, elapsed = _run([str(exe)], env)
    print(out.rstrip())
    lines = [line for line in out.splitlines() if line.startswith("probe: ")]
    ok = code == 0 and bool(lines) and all(" ok " in line for line in lines)
    print(f"bundle probe: {'ok' if ok else 'FAILED'} (exit {code}, {elapsed:.1f} s)")
    return ok


def check_app(exe: Path, check: AppCheck = APP_CHECK) -> bool:
    with tempfile.TemporaryDirectory(prefix="bundle-check-") as tmp:
        folder = Path(tmp)
        code, out, elapsed = _run([str(exe), *check.args(folder)], headless_env(folder / "home"))
        problem = f"exit {code}" if code != 0 else check.verify(folder, out)
    print(out.rstrip())
    print(f"bundle {check.name}: {problem or 'ok'} ({elapsed:.1f} s)")
    return problem is None


def main() -> int:
    exe = executable()
    if not exe.is_file():
        print(f"no bundle at {exe}: run `make bundle` first", file=sys.stderr)
        return 1
    print(f"bundle: {DIST.relative_to(ROOT)}, {bundle_size_mb():.1f} MB")
    ok = check_probe(exe)
    ok = check_app(exe) and ok
    print(f"bundle-check: {'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
