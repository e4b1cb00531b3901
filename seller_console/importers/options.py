"""What the user tells the importer about a file.

Plain Python, not compiled with the importers' hot path (setup.py): the options are
pickled to the import's worker process, and a compiled frozen dataclass cannot be
unpickled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from seller_console.importers.source import MAX_FILE_BYTES


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user tells the importer about a file.

    ``currency`` is used for prices that carry none (Shopify and WooCommerce never do);
    ``commission_rate`` is the brand's default when the file has no commission column;
    ``brand`` fills products that name no brand; ``column_map`` (canonical field ->
    the file's column name) drives the generic CSV format.
    """

    format: str | None = None
    currency: str | None = None
    commission_rate: Decimal | None = None
    brand: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    max_bytes: int = MAX_FILE_BYTES
