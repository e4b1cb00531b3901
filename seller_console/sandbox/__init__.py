"""The sandbox: a reference Live Commerce API server with a simulated audience and faults.

Start one in-process (demo mode, tests)::

    from seller_console.sandbox import SandboxConfig, SandboxFaults, start_sandbox

    with start_sandbox(SandboxConfig(seed=1)) as sandbox:
        sandbox.base_url, sandbox.api_key
        sandbox.set_faults(SandboxFaults(error_rate=0.1))

or from a shell: ``seller-console-sandbox --port 8765 --seed 1``.
"""

from seller_console.sandbox.config import SandboxConfig, SandboxFaults
from seller_console.sandbox.errors import SandboxConfigError, SandboxError, SandboxStartError
from seller_console.sandbox.server import RunningSandbox, start_sandbox

__all__ = [
    "RunningSandbox",
    "SandboxConfig",
    "SandboxConfigError",
    "SandboxError",
    "SandboxFaults",
    "SandboxStartError",
    "start_sandbox",
]
