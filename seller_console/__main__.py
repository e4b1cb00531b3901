"""``python -m seller_console`` and the ``seller-console`` command."""

import sys

from seller_console.cli import main as cli_main


def main() -> None:
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
