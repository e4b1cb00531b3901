"""Asked before an import: the currency for prices that carry none, the brand's commission,
and whether the file is recognised by its content or mapped column by column (generic)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from seller_console.domain.money import is_currency_code
from seller_console.importers import ImportOptions
from seller_console.importers.fields import CellError, parse_rate
from seller_console.ui.widgets.text import plain_label

COMMON_CURRENCIES = (
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "SEK",
    "JPY",
    "KRW",
    "INR",
    "BRL",
    "MXN",
    "TND",
    "KWD",
    "SGD",
    "IDR",
    "THB",
    "VND",
    "PHP",
    "MYR",
)


class ImportOptionsDialog(QDialog):
    def __init__(self, path: Path, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_options_dialog")
        self.setWindowTitle("Import catalog")
        form = QFormLayout(self)
        form.addRow(plain_label(f"File: {path.name}", wrap=True))
        self.format = QComboBox()
        self.format.setObjectName("import_format")
        self.format.addItem("Recognise it (Shopify, Google, Meta, TikTok, WooCommerce)", None)
        self.format.addItem("Generic CSV (map columns)", "generic")
        form.addRow("Format", self.format)
        form.addRow(
            plain_label(
                "Shopify and WooCommerce files never say their currency; "
                "feeds usually do. This currency is used only where the "
                "file names none.",
                wrap=True,
            )
        )
        self.currency = QComboBox()
        self.currency.setObjectName("import_currency")
        self.currency.setEditable(True)
        self.currency.addItems(COMMON_CURRENCIES)
        self.currency.setCurrentText(currency)
        self.commission = QLineEdit()
        self.commission.setObjectName("import_commission")
        self.commission.setPlaceholderText("e.g. 15% (used where the file has no rate)")
        self.brand = QLineEdit()
        self.brand.setPlaceholderText("for products that name no brand")
        self.error = plain_label(wrap=True)
        form.addRow("Currency", self.currency)
        form.addRow("Brand commission", self.commission)
        form.addRow("Brand", self.brand)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.options: ImportOptions | None = None

    def _accept(self) -> None:
        code = self.currency.currentText().strip().upper()
        if not is_currency_code(code):
            self.error.setText(f"{code or 'Nothing'} is not an ISO 4217 currency code")
            return
        rate: Decimal | None = None
        try:
            rate = parse_rate(self.commission.text())
        except CellError as exc:
            self.error.setText(f"Commission: {exc}")
            return
        self.options = ImportOptions(
            format=self.format.currentData(),
            currency=code,
            commission_rate=rate,
            brand=self.brand.text().strip() or None,
        )
        self.accept()
