"""``python -m seller_console`` and the ``seller-console`` command."""

import sys


def main() -> None:
    from seller_console.app import main as app_main

    sys.exit(app_main())


if __name__ == "__main__":
    main()
