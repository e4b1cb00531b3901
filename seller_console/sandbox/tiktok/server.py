"""Running the practice TikTok on the runner every sandbox dialect shares (``ServedApp``)."""

from __future__ import annotations

from typing import Any

from seller_console.domain.net import is_this_machine
from seller_console.sandbox.errors import SandboxConfigError
from seller_console.sandbox.server import ServedApp
from seller_console.sandbox.state_file import restore_state
from seller_console.sandbox.tiktok.app import STATE_KIND, build_app
from seller_console.sandbox.tiktok.world import PracticeConfig, PracticeFaults, World


class RunningTikTok(ServedApp):
    """A practice TikTok serving on a loopback port; a context manager. The same ``base_url``
    stands for the API host and the token host."""

    def __init__(self, config: PracticeConfig, *, allow_remote: bool = False) -> None:
        if not allow_remote and not is_this_machine(config.host):
            raise SandboxConfigError(
                f"refusing to listen on {config.host}: pass --allow-remote to allow it"
            )
        self.world = World(config)
        self.config = config
        if config.state_path is not None:
            restore_state(config.state_path, STATE_KIND, self.world.restore)
        super().__init__(build_app(self.world), config.host, config.port)

    @property
    def app_key(self) -> str:
        return self.world.app_key

    @property
    def app_secret(self) -> str:
        return self.world.app_secret

    # ------------------------------------------------------------ knobs for tests
    def set_faults(self, faults: PracticeFaults) -> None:
        self.world.set_faults(faults)

    def stats(self) -> dict[str, Any]:
        return self.world.stats.to_json()


def start_practice_tiktok(config: PracticeConfig | None = None) -> RunningTikTok:
    """Starts a practice TikTok on a background thread; returns once it accepts connections."""
    return RunningTikTok(config or PracticeConfig()).start()
