"""A PyInstaller runtime hook: with ``SELLER_CONSOLE_BUNDLE_PROBE=1`` the frozen app checks
what it ships, prints one ``probe: NAME ok|FAIL detail`` line per check, and exits (0 when
every check passed, 1 otherwise) before the app's own code runs. Unset, it does nothing.
``SELLER_CONSOLE_BUNDLE_PROBE=keychain`` also stores, reads back and deletes a throwaway
secret (service ``seller-console-bundle-probe``) in the chosen keychain.

It is the stand-in for ``seller-console --self-test`` (the next issue), for the parts a
screenshot run does not touch: keyring's backends (found through entry points, so the
package metadata must be bundled), the sandbox server stack (uvicorn's dynamic imports,
starlette, h11, anyio, the openapi.json package data) answered over loopback with httpx,
lxml, certifi's CA file, the resources/ folder and the package version, and the
importers' compiled modules (setup.py) importing the demo catalog.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def _keyring() -> str:
    from importlib.metadata import entry_points

    import keyring
    import keyring.backend

    found = entry_points(group="keyring.backends")
    if not found:
        raise RuntimeError("no keyring.backends entry points (package metadata missing)")
    # Each backend's own verdict: a priority, or why it cannot run here (no D-Bus session,
    # wrong OS). An ImportError here would mean a module missing from the bundle.
    verdicts = []
    for ep in sorted(found, key=lambda e: e.name):
        try:
            module = ep.load()
        except ImportError as exc:
            raise RuntimeError(f"backend {ep.name} does not import: {exc}") from exc
        for backend in vars(module).values():
            if not (
                isinstance(backend, type)
                and issubclass(backend, keyring.backend.KeyringBackend)
                and backend.__module__ == module.__name__
                and "priority" in vars(backend)
            ):
                continue
            try:
                verdict = f"priority {backend.priority}"
            except Exception as exc:  # keyring's "not viable here", with the reason
                verdict = f"not viable ({str(exc).splitlines()[0][:50]})"
            verdicts.append(f"{ep.name}.{backend.__name__}: {verdict}")
    chosen = keyring.get_keyring()
    if os.environ.get("SELLER_CONSOLE_BUNDLE_PROBE") == "keychain":  # opt-in round trip
        service, secret = "seller-console-bundle-probe", "probe-secret"
        chosen.set_password(service, "probe", secret)
        try:
            if chosen.get_password(service, "probe") != secret:
                raise RuntimeError("keychain round trip returned another secret")
        finally:
            chosen.delete_password(service, "probe")
        verdicts.insert(0, "set/get/delete round trip ok")
    return f"get_keyring()={type(chosen).__module__}.{type(chosen).__name__}; " + "; ".join(
        verdicts
    )


def _sandbox() -> str:
    import httpx

    from seller_console.sandbox.config import SandboxConfig
    from seller_console.sandbox.server import start_sandbox

    with start_sandbox(SandboxConfig(port=0)) as sandbox:
        response = httpx.get(f"{sandbox.base_url}/openapi.json", timeout=10)
        response.raise_for_status()
        paths = len(response.json()["paths"])
    return f"GET /openapi.json -> {response.status_code}, {paths} paths"


def _libraries() -> str:
    import certifi
    import lxml.etree
    import qasync  # noqa: F401

    if not os.path.isfile(certifi.where()):
        raise RuntimeError(f"no CA bundle at {certifi.where()}")
    lxml.etree.fromstring(b"<a><b/></a>")
    return f"lxml {lxml.etree.__version__}, certifi CA file present, qasync"


def _resources() -> str:
    from seller_console import __version__
    from seller_console.paths import resources_dir

    root = resources_dir()
    wanted = [root / "demo" / "catalog.csv", root / "icons" / "seller-console.png"]
    missing = [str(p) for p in wanted if not p.is_file()]
    if missing:
        raise RuntimeError(f"missing {missing}")
    if __version__.startswith("0+"):
        raise RuntimeError(f"version unknown ({__version__}): package metadata missing")
    return f"version {__version__}, resources at {root}"


def _importers() -> str:
    from importlib.machinery import EXTENSION_SUFFIXES

    from seller_console.importers import import_catalog, shopify
    from seller_console.paths import resources_dir
    from seller_console.services.demo import demo_catalog_path, demo_import_options

    origin = shopify.__file__ or ""
    if not origin.endswith(tuple(EXTENSION_SUFFIXES)):
        raise RuntimeError(f"the importers are not compiled: {origin}")
    result = import_catalog(demo_catalog_path(resources_dir()), demo_import_options())
    if not result.report.variants or result.report.rows_rejected:
        raise RuntimeError("; ".join(result.report.summary_lines()))
    return f"compiled ({os.path.basename(origin)}), demo catalog: {result.report.variants} variants"


CHECKS: dict[str, Callable[[], str]] = {
    "keyring": _keyring,
    "sandbox": _sandbox,
    "libraries": _libraries,
    "resources": _resources,
    "importers": _importers,
}


def run() -> int:
    failed = 0
    for name, check in CHECKS.items():
        try:
            print(f"probe: {name} ok {check()}", flush=True)
        except Exception as exc:  # report every check, then fail
            failed += 1
            print(f"probe: {name} FAIL {type(exc).__name__}: {exc}", flush=True)
    return 1 if failed else 0


if os.environ.get("SELLER_CONSOLE_BUNDLE_PROBE") in {"1", "keychain"}:
    sys.exit(run())
