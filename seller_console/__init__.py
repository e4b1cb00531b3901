"""Seller Console: a desktop console for sellers on live shopping streams."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("seller-console")
except PackageNotFoundError:  # a frozen build without package metadata
    __version__ = "0+unknown"
