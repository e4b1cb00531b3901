"""``seller-console shows list|report``: past and present shows from the show database.

``shows list [--json]``: per show its id, title, platform account, session, times, status
and, per currency, orders, units, GMV and commission (the platform's when it reported any,
else the estimate, as the Past shows dialog lists it). ``shows report ID
[--json|--csv]``: the report dialog's figures (an unambiguous prefix of the id will do).
These read only; exit code 0, or 2 when the database or the show cannot be read.
``shows import-orders ID FILE [--json]`` imports a manual-pins show's orders export
(exit code 0 with the rows it rejected listed, 2 when the file or show cannot be used).
``shows refresh ID`` (run by ``cli``, which can open the platform) reads a past show's orders
again from the platform of the chosen profile, then prints what moved and the report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO, TypeVar

from seller_console.domain.storage_port import StorageError
from seller_console.services.live_show import place_text
from seller_console.services.orders_import import (
    OrdersImportError,
    OrdersImportOutcome,
    import_orders_export,
)
from seller_console.services.reports import (
    ShowReport,
    ShowReports,
    ShowSummary,
    figures_json,
    report_json,
    show_json,
    write_report_csv,
)
from seller_console.storage import Database, ShowStore

T = TypeVar("T")
EXIT_OK = 0
EXIT_UNREADABLE = 2


def run_command(args: argparse.Namespace, database: Path, out: TextIO, err: TextIO) -> int:
    if not database.is_file():
        if args.shows_command == "list":
            out.write("[]\n" if args.json else "No shows yet.\n")
            return EXIT_OK
        print(f"no show database at {database}", file=err)
        return EXIT_UNREADABLE
    try:
        if args.shows_command == "list":
            summaries = _with_reports(database, lambda r: r.summaries())
            _print_list(summaries, args.json, out)
        elif args.shows_command == "import-orders":
            return _import_orders(database, args, out, err)
        else:
            report = _with_reports(database, lambda r: _one_report(r, args.show))
            if report is None:
                print(f"no show {args.show!r} (or more than one starts so)", file=err)
                return EXIT_UNREADABLE
            if args.json:
                json.dump(report_json(report), out, ensure_ascii=False, indent=1)
                out.write("\n")
            elif args.csv:
                write_report_csv(report, out)
            else:
                print_report(report, out)
    except StorageError as exc:
        print(f"cannot read the shows: {exc.user_message}", file=err)
        return EXIT_UNREADABLE
    return EXIT_OK


def _import_orders(database: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    async def go(reports: ShowReports) -> OrdersImportOutcome | None:
        show_id = await show_id_of(reports, args.show)
        if show_id is None:
            return None
        return await import_orders_export(reports.storage, show_id, args.file)

    try:
        outcome = _with_reports(database, go)
    except OrdersImportError as exc:
        print(f"cannot import the orders: {exc}", file=err)
        return EXIT_UNREADABLE
    if outcome is None:
        print(f"no show {args.show!r} (or more than one starts so)", file=err)
        return EXIT_UNREADABLE
    if args.json:
        body = {
            "orders": outcome.orders,
            "new": outcome.new,
            "changed": outcome.changed,
            "outside_the_show": outcome.outside,
            "report": outcome.report.to_json(),
        }
        json.dump(body, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    out.write(outcome.summary() + "\n")
    for problem in [*outcome.report.rejected, *outcome.report.warnings]:
        out.write(f"  {problem.where()}: {problem.reason}\n")
    return EXIT_OK


def _with_reports(database: Path, work: Callable[[ShowReports], Awaitable[T]]) -> T:
    async def go() -> T:
        db = await Database.open(database)
        try:
            return await work(ShowReports(ShowStore(db)))
        finally:
            await db.close()

    return asyncio.run(go())


async def show_id_of(reports: ShowReports, wanted: str) -> str | None:
    """The id of the one show whose id is ``wanted`` or starts with it; None if not one."""
    matches = [s for s in await reports.list_shows() if s.id.startswith(wanted)]
    exact = [s for s in matches if s.id == wanted]
    chosen = exact or matches
    return chosen[0].id if len(chosen) == 1 else None


async def _one_report(reports: ShowReports, wanted: str) -> ShowReport | None:
    show_id = await show_id_of(reports, wanted)
    return None if show_id is None else await reports.report(show_id)


def _print_list(summaries: tuple[ShowSummary, ...], as_json: bool, out: TextIO) -> None:
    if as_json:
        rows = [
            {
                **show_json(s.show),
                "totals": [figures_json(f) for f in s.totals.figures],
                **({"problem": s.problem} if s.problem is not None else {}),
            }
            for s in summaries
        ]
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    if not summaries:
        out.write("No shows yet.\n")
    for s in summaries:
        show = s.show
        when = (show.started_at or show.created_at).astimezone().strftime("%Y-%m-%d %H:%M")
        # The commission nights are compared by, as the Past shows dialog lists it.
        which = "commission" if s.totals.commission_from_platform else "commission (est.)"
        money = ", ".join(
            f"{f.orders} orders, {f.gross.rounded().amount} {f.currency.code} GMV, "
            f"{c.rounded().amount} {f.currency.code} {which}"
            for f, c in zip(s.totals.figures, s.totals.commission, strict=True)
        )
        if s.problem is not None:
            money = f"its figures could not be read ({s.problem})"
        where = place_text(show.owner)
        out.write(
            f"{show.id}  {when}  {show.status.value:<7} {show.title!r} on {where}: "
            f"{money or 'no orders'}\n"
        )


def print_report(report: ShowReport, out: TextIO) -> None:
    show = report.show
    out.write(f"{show.title!r} ({show.id}) on {place_text(show.owner)}, {show.status.value}\n")
    for code, f in sorted(report.totals.items()):
        out.write(
            f"  {code}: {f.orders} orders, {f.units} units, GMV {f.gross.rounded().amount}, "
            f"refunds {f.refunds.rounded().amount}, commission "
            f"{f.commission_estimated.rounded().amount}; the platform's estimate "
            f"{f.platform_estimate.rounded().amount}, settled {f.settled.rounded().amount} "
            f"({f.settled_orders} orders settled, {f.unsettled_orders} awaiting)\n"
        )
    if show.refreshed_at is not None:
        out.write(f"  orders last read again: {show.refreshed_at.astimezone().isoformat()}\n")
    for w in report.windows:
        sold = "; ".join(
            f"{f.units} units {f.gross.rounded().amount} {f.currency.code}, commission "
            f"estimated {f.platform_estimate.rounded().amount} settled "
            f"{f.settled.rounded().amount}"
            for f in w.figures
        )
        out.write(f"  pin {report.title_of(w.window.product_id)}: {round(w.seconds)} s, {sold}\n")
    for (product_id, code), f in sorted(report.by_product.items()):
        out.write(
            f"  product {report.title_of(product_id)}: {f.units} units "
            f"{f.gross.rounded().amount} {code}, commission estimated "
            f"{f.platform_estimate.rounded().amount} settled {f.settled.rounded().amount}\n"
        )
