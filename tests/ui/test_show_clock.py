"""One clock: the stage's "Show elapsed" and the report's "actual" are the same measure,
from Go live to the show's end, whenever the first take came (embedded sandbox, loopback)."""

from __future__ import annotations

from datetime import UTC, datetime

from seller_console.domain.rundown import format_duration
from seller_console.services.show_clock import on_air_seconds
from seller_console.ui.dialogs.show_report import clock_text, summary_lines

from .test_live_show import go_live, show, stage  # noqa: F401  (the fixture)


def test_the_stage_clock_and_the_report_agree(show, run, qtbot):  # noqa: F811
    vm = show.live_vm
    go_live(show, run)
    qtbot.wait(1500)  # the host talks before the first take
    vm.take()
    stage(show, run)
    record = vm.state.show
    assert record is not None
    assert record.started_at is not None
    view = vm.stage_view()
    assert view is not None
    since_go_live = (datetime.now(UTC) - record.started_at).total_seconds()
    assert view.clock.elapsed >= 1.4  # counted from Go live, not from the first take
    assert abs(view.clock.elapsed - since_go_live) < 1.0
    assert view.clock.over_under >= 1.4  # the wait before the first take is time on air

    ending = vm.end_show()
    qtbot.waitUntil(ending.done, timeout=30_000)
    report = ending.result()
    assert report is not None
    ended = report.show
    assert ended.ended_at is not None
    actual = on_air_seconds(ended)
    assert actual is not None
    run(vm.flush())
    qtbot.wait(1100)  # the clock stops at the end: a second later it reads the same
    after = vm.stage_view()
    assert after is not None
    assert vm.state.show is not None
    assert vm.state.show.ended_at == ended.ended_at
    assert round(after.clock.elapsed) == round(actual)
    assert f"actual {clock_text(actual)}" in summary_lines(report)[0]
    show.window.stage.show_stage(after)  # what the stage's clock reads, as the report
    assert show.window.stage.elapsed.value.text() == format_duration(round(actual))
