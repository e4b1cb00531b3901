"""A catalog import in a process of its own, so a 100k-variant file never takes the
interpreter lock the window needs to paint.

The window's side (``import_in_process``, blocking: run it in a thread) spawns the worker
(``spawn``, which also works in the frozen app: ``__main__`` calls ``freeze_support``),
hands it the file and the options, and reads its messages, all pickled by
``multiprocessing``:

- ``("progress", done, total)``: bytes read so far, as ``import_catalog`` reports them;
- ``("report", ImportReport, catalog name, product count)`` once the file is read, then
  ``("products", ProductColumns)`` per ``CHUNK_PRODUCTS`` products and ``("done",)``: the
  catalog comes back as columns, a chunk at a time, so loading any one message in the
  window's process takes a few milliseconds, and each chunk is turned back into products
  while the next one is on its way;
- ``("failed", reason, unknown)``: the file cannot be imported (``CatalogImportError``;
  ``unknown``: ``UnknownFormatError``, which the window answers with a column mapping);
- ``("cancelled",)``, after the window asked to stop (a shared ``Event`` the import looks
  at every few hundred rows).

Cancel is answered within ``CANCEL_WAIT_S``: a worker that has not stopped by then is
ended (it only reads the file, so nothing is lost). A worker that dies (a crash, a kill,
out of memory) fails the import with a message that says so.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Final

from seller_console.domain.catalog import Catalog, Product
from seller_console.domain.product_columns import ProductColumns
from seller_console.importers import (
    CatalogImportError,
    ImportCancelledError,
    ImportOptions,
    ImportReport,
    ImportResult,
    UnknownFormatError,
    collector_paused,
    import_catalog,
)

logger = logging.getLogger(__name__)

CHUNK_PRODUCTS: Final = 1000
"""Products per message: about 4,000 variants, a few milliseconds to load."""
CANCEL_WAIT_S: Final = 0.4
"""How long a cancelled worker may take to stop by itself before it is ended."""
_POLL_S: Final = 0.05
_EXIT_WAIT_S: Final = 5.0  # for a worker that sent everything to end by itself

ProgressFn = Callable[[int, int], None]


def serve(conn: Connection, path: Path, options: ImportOptions, cancelled: Event) -> None:
    """The worker process: import ``path`` and send the result back (see the module doc).

    It ends its process when done, without the interpreter's usual teardown: freeing a
    100k-variant catalog object by object would take the machine's other core for a
    few hundred milliseconds, just as the window builds its table. Everything sent is
    in the pipe by then, and the worker holds nothing else.
    """
    try:
        result = import_catalog(
            path,
            options,
            lambda done, total: conn.send(("progress", done, total)),
            cancelled.is_set,
        )
        products = result.catalog.products
        conn.send(("report", result.report, result.catalog.name, len(products)))
        for start in range(0, len(products), CHUNK_PRODUCTS):
            if cancelled.is_set():
                raise ImportCancelledError(path)
            conn.send(("products", ProductColumns.of(products[start : start + CHUNK_PRODUCTS])))
        conn.send(("done",))
    except ImportCancelledError:
        conn.send(("cancelled",))
    except CatalogImportError as exc:
        conn.send(("failed", exc.reason, isinstance(exc, UnknownFormatError)))
    except (BrokenPipeError, EOFError):
        pass  # the window went away: nobody to answer
    except Exception:  # a bug: the window reports it like one of its own
        conn.send(("bug", traceback.format_exc()))
    finally:
        conn.close()
        os._exit(0)


class ImportWorkerError(RuntimeError):
    """The worker failed with a bug (its traceback is in the message), not a bad file."""


def import_in_process(
    path: Path,
    options: ImportOptions,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> ImportResult:
    """``import_catalog(path, options)``, run in a spawned worker process.

    Blocking: call it from a thread. ``progress(done, total)`` is called on this thread;
    setting ``cancel`` stops the import (``ImportCancelledError``) within
    ``CANCEL_WAIT_S`` plus one poll.
    """
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=False)
    stop = context.Event()
    process = context.Process(
        target=serve,
        args=(theirs, path, options, stop),
        name="seller-console-import",
        daemon=True,
    )
    process.start()
    theirs.close()
    try:
        with collector_paused():  # see there: rebuilding 100k rows must not start a gen-2 pass
            return _receive(ours, path, progress, cancel, stop)
    finally:
        ours.close()
        if stop.is_set():  # cancelled: nothing more of it is wanted, nor waited for
            process.kill()
        process.join(_EXIT_WAIT_S)
        if process.is_alive():
            process.kill()
            process.join()


def _receive(
    conn: Connection,
    path: Path,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
    stop: Event,
) -> ImportResult:
    report: ImportReport | None = None
    name = ""
    products: list[Product] = []
    cancelled_at: float | None = None
    while True:
        if cancel is not None and cancel.is_set() and cancelled_at is None:
            stop.set()
            cancelled_at = time.monotonic()
        if cancelled_at is not None and time.monotonic() - cancelled_at > CANCEL_WAIT_S:
            raise ImportCancelledError(path)
        if not conn.poll(_POLL_S):
            continue
        try:
            message = conn.recv()
        except EOFError:
            if cancelled_at is not None:
                raise ImportCancelledError(path) from None
            raise CatalogImportError(
                path, "the import stopped unexpectedly (its process ended); try again"
            ) from None
        kind = message[0]
        if kind == "progress":
            if progress is not None:
                progress(message[1], message[2])
        elif kind == "report":
            _, report, name, count = message
            products = []
            logger.debug("%s: %d products to receive", path.name, count)
        elif kind == "products":
            products.extend(message[1].products())
        elif kind == "done":
            if report is None:
                raise ImportWorkerError(f"{path.name}: the import's process sent no report")
            return ImportResult(Catalog(name, products), report)
        elif kind == "cancelled":
            raise ImportCancelledError(path)
        elif kind == "failed":
            raise (UnknownFormatError if message[2] else CatalogImportError)(path, message[1])
        else:
            raise ImportWorkerError(f"the import of {path.name} failed:\n{message[1]}")
