"""The central card: the catalog product under the cursor, large enough to check at a glance."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from seller_console.domain.catalog import VariantRef
from seller_console.ui.numbers import money_text
from seller_console.ui.thumbnails import ThumbnailCache
from seller_console.ui.widgets.text import plain_label

CARD_IMAGE = QSize(160, 160)


class ProductCard(QScrollArea):
    def __init__(self, images: ThumbnailCache) -> None:
        super().__init__()
        self.setObjectName("product_card")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._images = images
        self._url = ""
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 16, 16, 16)
        self.image = QLabel()
        self.image.setTextFormat(Qt.TextFormat.PlainText)
        self.image.setFixedSize(CARD_IMAGE)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        facts = QVBoxLayout()
        self.title = plain_label(wrap=True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.brand = plain_label()
        self.price = plain_label()
        price_font = QFont(self.price.font())
        price_font.setPointSizeF(price_font.pointSizeF() * 1.25)
        self.price.setFont(price_font)
        self.facts = plain_label(wrap=True)
        for widget in (self.title, self.brand, self.price, self.facts):
            facts.addWidget(widget)
        layout.addLayout(facts)
        self.description = plain_label(wrap=True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.description, 1)
        self.setWidget(body)
        images.loaded.connect(self._refresh_image)
        self.show_ref(None)

    def show_ref(self, ref: VariantRef | None) -> None:
        if ref is None:
            self._url = ""
            self.title.setText("Select a product")
            for label in (self.brand, self.price, self.facts, self.description):
                label.setText("")
            self.image.clear()
            return
        p, v = ref.product, ref.variant
        self.title.setText(p.title if v.title == p.title else f"{p.title} — {v.title}")
        self.brand.setText(p.brand)
        price = money_text(v.price) if v.price is not None else "no price"
        if v.on_sale and v.compare_at_price is not None:
            price += f"   (was {money_text(v.compare_at_price)})"
        self.price.setText(price)
        stock = "stock unknown" if v.stock is None else f"{v.stock} in stock"
        rate = (
            "no commission rate"
            if v.commission_rate is None
            else (f"{(v.commission_rate * 100).normalize():f} % commission")
        )
        lines = [
            f"SKU {v.sku or '—'}",
            stock,
            rate,
            f"{len(p.variants)} variant{'s' if len(p.variants) != 1 else ''}"
            + (f": {', '.join(x.title for x in p.variants[:8])}" if len(p.variants) > 1 else ""),
        ]
        if v.barcode:
            lines.append(f"Barcode {v.barcode}")
        self.facts.setText("\n".join(lines))
        self.description.setText(p.description)
        self._url = v.image_url or p.image_url
        self._refresh_image()

    def _refresh_image(self) -> None:
        image = self._images.image(self._url) if self._url else None
        self.image.setPixmap(QPixmap.fromImage(image) if image is not None else QPixmap())
