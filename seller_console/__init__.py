"""Seller Console: a desktop console for sellers on live shopping streams."""


def __getattr__(name: str) -> str:
    # ``__version__`` is read from the package metadata on first use, not at import:
    # importlib.metadata (and the email and zipfile modules it loads) costs ~50 ms,
    # which the window's start-up does not need to pay before its first paint.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("seller-console")
        except PackageNotFoundError:  # a frozen build without package metadata
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
