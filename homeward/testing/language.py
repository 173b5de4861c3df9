"""Find English on a page that should speak Chinese.

:func:`english_on_page` reads a rendered page the way a user meets it — the text
between tags, and the attributes a browser shows (``title``, ``placeholder``,
``aria-label``, ``alt``, the labels phones draw from ``data-label``, the caption of
submit buttons) — and returns every run of English words in it. What the user typed
(field values, text areas), scripts and styles, and anything marked ``lang="en"`` (or
``lang="zxx"``, no language: login names) are
not the page's own words and are skipped.

Latin letters that are not English are let through: acronyms in capitals (DNA, STR,
CAP, PDF), codes with digits (D8S1179, A500103-2026-001), units (km, cm, kg), web and
mail addresses. Everything else — ``received``, ``Latitude``, ``demo.head``,
``Wanzhou District``, ``Alert`` — is reported, with the text around it.

Used by the route walk and the per-role browser tests::

    from homeward.testing.language import assert_no_english, english_on_page

    assert english_on_page(response.content.decode()) == []
    assert_no_english(page.content())  # Playwright: the live DOM
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

# Attributes whose text a user sees or hears.
VISIBLE_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "data-label"})
# Elements whose content is not the page's own words.
SKIPPED_ELEMENTS = frozenset({"script", "style", "template", "textarea", "noscript", "svg"})
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)

# Latin-letter words that are not English on a Chinese page.
ALLOWED_WORDS = frozenset(
    {
        "km",
        "cm",
        "kg",
        "mm",
        "ml",
        "h",  # an hour, as in 24 h
        "min",
        "x",  # the ID number's last character, said as "X"
        "e",  # e-mail and e-government spellings in Chinese text
        "app",
        "iPhone",
        "Android",
        "WebP",  # an image format's own name
        "vs",
        # Product and format names that Chinese users read as they are.
        "Excel",
        "Word",
        "Webhook",
        "Expressmarker",
        "GlobalFiler",
        "Identifiler",
        "PowerPlex",
        "Sinofiler",
        "Goldeneye",
    }
)

# Web addresses and paths. Mail addresses are matched token by token, and only in tokens
# that hold an "@": "\S+@" over a page's long runs of Chinese (no spaces) backtracks in
# quadratic time, and was most of the route walk's time.
_URL = re.compile(r"(?:https?://|www\.)\S*|/[\w./?=&%-]*")
_MAIL = re.compile(r"\S+@\S+\.\w+")
_WORD = re.compile(r"[A-Za-z]+(?:['’.\-][A-Za-z]+)*")


@dataclass(frozen=True)
class EnglishText:
    """A run of English words and the text around it, for the failure message."""

    words: str
    context: str

    def __str__(self) -> str:
        return f"{self.words!r} in {self.context!r}"


def english_words(text: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of ``text`` (acronyms, codes, units and addresses let through)."""
    allow = ALLOWED_WORDS | set(allowed)
    found = []
    if "@" in text:
        text = " ".join(_MAIL.sub(" ", token) if "@" in token else token for token in text.split())
    for token in _URL.sub(" ", text).split():
        if any(character.isdigit() for character in token):
            continue  # a code: A500103-2026-001, D8S1179, H3
        for word in _WORD.findall(token):
            if len(word) == 1 or word in allow or word.lower() in allow:
                continue
            letters = word.replace(".", "").replace("-", "").replace("'", "").replace("’", "")
            if letters.isupper():
                continue  # an acronym or a letter code: DNA, STR, CAP, PDF, HJLMMNUKOAPI
            found.append(word)
    return found


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.chunks: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        # lang="en": English on purpose (the language picker); lang="zxx": no language at
        # all (login names, codes a user types back).
        english = values.get("lang", "").lower().startswith(("en", "zxx"))
        skipped = tag in SKIPPED_ELEMENTS or english
        if not (self.skipping or skipped):
            for name in VISIBLE_ATTRIBUTES & set(values):
                self.chunks.append(values[name])
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.chunks.append(values.get("value", ""))
        if tag == "html":
            return  # <html lang="en"> is the English page itself: checked by the caller
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.chunks.append(data)


def page_text(html: str) -> list[str]:
    """The pieces of text a user sees on ``html``, in page order."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    return parser.chunks


def english_on_page(html: str, *, allowed: Iterable[str] = ()) -> list[EnglishText]:
    """Every piece of visible text of ``html`` that holds English words."""
    allow = set(allowed)
    found = []
    for chunk in page_text(html):
        words = english_words(chunk, allowed=allow)
        if words:
            context = " ".join(chunk.split())
            found.append(EnglishText(" ".join(words), context[:120]))
    return found


def assert_no_english(html: str, *, allowed: Iterable[str] = (), where: str = "") -> None:
    """Fail with every piece of English found on the page."""
    found = english_on_page(html, allowed=allowed)
    if found:
        listing = "\n  ".join(str(item) for item in found)
        raise AssertionError(
            f"English on a zh-hans page{' ' + where if where else ''}:\n  {listing}"
        )
