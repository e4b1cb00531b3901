"""Text rules shared by the domain and the importers: one-line fields, search folding, HTML.

Catalog text is untrusted: it is normalised here and shown as plain text everywhere.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from typing import Final


def clean_text(text: str) -> str:
    """Trim, NFC-normalise and fold runs of blanks inside a one-line field (titles, brands)."""
    if not text:
        return text
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case and strip accents, so ``Crème`` matches ``creme``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _TextExtractor(HTMLParser):
    _BLOCK: Final = frozenset(
        "p div br ul ol tr table h1 h2 h3 h4 h5 h6 section article blockquote".split()
    )
    _SKIP: Final = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_BLANKS: Final = re.compile(r"[ \t\u00a0]+")
_NEWLINES: Final = re.compile(r"\n\s*\n+")


def html_to_text(raw: str) -> str:
    """Plain text from an HTML body: tags dropped, entities decoded, paragraphs kept."""
    if "<" not in raw and "&" not in raw:
        return _tidy(raw)
    if "<" not in raw:
        return _tidy(html.unescape(raw))
    parser = _TextExtractor()
    if not _feed_plain_tags(parser, raw):
        parser = _TextExtractor()
        parser.feed(raw)
        parser.close()
    return _tidy("".join(parser.parts))


_WS = "[ \t\n\r\f]"
# A start or end tag with only quoted (or no) attribute values: the span ``HTMLParser``
# gives such a tag too, so these can be handed to its handlers without its slow scan.
_PLAIN_TAG: Final = re.compile(
    rf"<(/?)([a-zA-Z][a-zA-Z0-9]*)"
    rf"((?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'))?)*)"
    rf"{_WS}*(/?)>"
)


def _feed_plain_tags(parser: _TextExtractor, raw: str) -> bool:
    """Feed ``raw`` to the parser's handlers as ``HTMLParser`` would, if every tag is plain.

    False (the parser half fed) when there is anything else: comments, doctypes, a stray
    ``<``, unquoted attribute values, ``<script>``/``<style>`` (raw-text elements).
    """
    pos = 0
    for tag in _PLAIN_TAG.finditer(raw):
        data = raw[pos : tag.start()]
        closing, name, attrs, slash = tag.groups()
        name = name.lower()
        if "<" in data or name in parser.CDATA_CONTENT_ELEMENTS or (closing and attrs + slash):
            return False
        if data:
            parser.handle_data(html.unescape(data))
        if closing:
            parser.handle_endtag(name)
        elif slash:
            parser.handle_startendtag(name, [])
        else:
            parser.handle_starttag(name, [])
        pos = tag.end()
    rest = raw[pos:]
    if "<" in rest:
        return False
    if rest:
        parser.handle_data(html.unescape(rest))
    return True


def _tidy(text: str) -> str:
    lines = [_BLANKS.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    return _NEWLINES.sub("\n\n", "\n".join(lines)).strip()
