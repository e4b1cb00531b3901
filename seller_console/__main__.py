"""``python -m seller_console`` and the ``seller-console`` command."""

import multiprocessing
import sys


def main() -> None:
    # The frozen app starts the live engine's process by running itself again: this hands
    # that run to multiprocessing before anything else happens (a no-op elsewhere).
    multiprocessing.freeze_support()
    from seller_console.app import main as app_main

    sys.exit(app_main())


if __name__ == "__main__":
    main()
