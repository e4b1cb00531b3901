"""A show left running on a platform that needs a key (a sandbox at a URL), on a machine
whose key was kept for one run only: at the next run the show database alone lists it
(unfinished shows, Past shows) with no key; Go live's check on the account needs the
platform, and finds the show once the key is entered, so the show can be resumed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from seller_console.domain.show_records import ShowStatus
from seller_console.importers import import_catalog
from seller_console.live_link import LiveLink, MissingKeyError
from seller_console.paths import resources_dir
from seller_console.sandbox import SandboxConfig, start_sandbox
from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan
from seller_console.services.live_session import LiveSession, ShowPhase
from seller_console.services.live_show import place_text, plan_policy
from seller_console.settings import Profile, ProfileKind, Settings, settings_file
from tests.fakes import MemorySecrets

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


def test_a_show_left_running_is_listed_without_the_key_and_resumed_with_it(
    tmp_path: Path,
) -> None:
    catalog = import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    plan = sample_plan(catalog)
    database = tmp_path / "shows.sqlite3"

    async def nights(url: str, key: str) -> None:
        profile = Profile(ProfileKind.SANDBOX_URL, url)
        account = profile.secret_account
        assert account is not None
        settings = Settings(profile)
        # run 1: the key was typed in (kept for this run only); go live, leave it running
        link = LiveLink(database, settings, settings_file(tmp_path), MemorySecrets(False))
        await link.secrets.save(account, key)  # as Show > Platform saves it
        await link.use_profile(profile)
        session = LiveSession(link)
        try:
            assert await session.go_live(plan, plan_policy(plan))
            assert session.state.show is not None
            show_id = session.state.show.id
            await session.leave_running()
        finally:
            await session.close()
            await link.close()

        # run 2: no key anywhere
        link = LiveLink(database, settings, settings_file(tmp_path), MemorySecrets(False))
        session = LiveSession(link)
        try:
            unfinished = await link.unfinished_shows()
            assert [s.id for s in unfinished] == [show_id]
            assert place_text(unfinished[0].owner) == f"Live Commerce at {url}"
            shows = await (await link.open_reports()).list_shows()
            assert [s.id for s in shows] == [show_id]
            with pytest.raises(MissingKeyError):
                await link.unfinished_here()  # Go live's question needs the platform
            await link.secrets.save(account, key)  # the key typed in again
            await link.use_profile(profile)
            assert [s.id for s in await link.unfinished_here()] == [show_id]
            assert await session.resume(show_id)
            assert session.state.phase is ShowPhase.LIVE
            assert await session.end_show() is not None
            assert await link.unfinished_shows() == ()
            assert await link.unfinished_here() == ()
            stored = await (await link.open_reports()).list_shows()
            assert [s.status for s in stored] == [ShowStatus.ENDED]
        finally:
            await session.close()
            await link.close()

    with start_sandbox(SandboxConfig(seed=3, rate=5.0, api_key="qa-key-123")) as sandbox:
        asyncio.run(nights(sandbox.base_url, sandbox.api_key))
