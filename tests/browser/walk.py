"""The per-role browser walk (issue 12): a role signs in, walks its main story through the
pages on a desktop and a phone, and on every page we check what a user would notice —
no server error, no English on a Chinese page, nothing wider than the phone, every form
error next to its field and in Chinese. Screenshots go to var/screenshots/<role>/ for a
person to look at."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeward.testing.language import english_on_page, english_words

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Product names Chinese users use as they are.
ALLOWED = frozenset({"Excel", "Word"})


@dataclass
class Walk:
    """One role on one device: every page visited is checked as it is reached."""

    page: Any
    base_url: str
    role: str
    device: str
    problems: list[str] = field(default_factory=list)
    shots: int = 0
    # Latin words that are the page's data, not its language (a clue's tracking code).
    allowed: set[str] = field(default_factory=set)
    # Screenshots as var/screenshots/<role>-NN-<name>-<device>.png instead of a folder.
    flat: bool = False

    @property
    def phone(self) -> bool:
        return self.device == "phone"

    def go(self, path: str, name: str, *, expect: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        status = response.status if response is not None else 0
        if status >= 500 or status != expect:
            self.problems.append(f"{path}: HTTP {status} (expected {expect})")
        self.check(name)

    def check(self, name: str) -> None:
        """The checks of the current page, and its screenshot."""
        self.page.wait_for_load_state("domcontentloaded")
        url = self.page.url
        html = self.page.content()
        if 'lang="zh-hans"' in html[:400]:
            for found in english_on_page(html, allowed=ALLOWED | self.allowed):
                self.problems.append(f"{url}: English {found}")
        if self.phone:
            overflow = self.page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 1:
                wide = self.page.evaluate(_WIDEST)
                self.problems.append(f"{url}: {overflow}px wider than the phone ({wide})")
        # Every menu entry is on screen at every size (the menu wraps, it does not hide
        # entries behind a sideways scroll).
        hidden = self.page.evaluate(
            "() => [...document.querySelectorAll('.nav a')]"
            ".filter(a => a.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(a => a.textContent.trim())"
        )
        if hidden:
            self.problems.append(f"{url}: menu entries off screen: {hidden}")
        self.errors_next_to_fields(url)
        self.shots += 1
        folder = SCREENSHOTS if self.flat else SCREENSHOTS / self.role
        folder.mkdir(parents=True, exist_ok=True)
        prefix = f"{self.role}-" if self.flat else ""
        # The whole page on the phone (where length hurts); the first screen on the desktop.
        self.page.screenshot(
            path=str(folder / f"{prefix}{self.shots:02d}-{name}-{self.device}.png"),
            full_page=self.phone,
        )

    def errors_next_to_fields(self, url: str) -> None:
        """Every error list sits inside its field's box (or first in the form for errors
        of the whole form, or on a page that is only the refusal) and speaks Chinese."""
        for error in self.page.query_selector_all(".errorlist"):
            text = error.inner_text().strip()
            if not text:
                continue
            if not CJK.search(text) or english_words(text):
                self.problems.append(f"{url}: error not in Chinese: {text!r}")
            placed = error.evaluate(
                "el => !!el.closest('.field, fieldset') || el.parentElement.tagName === 'FORM'"
                " || !el.closest('form')"
            )
            if not placed:
                self.problems.append(f"{url}: error away from its field: {text!r}")

    def submit_bad(self, form: str, name: str, fill: dict[str, str] | None = None) -> None:
        """Send ``form`` with bad input: the page answers with errors beside the fields."""
        for selector, value in (fill or {}).items():
            self.page.fill(selector, value)
        with self.page.expect_navigation():
            self.page.click(f"{form} button[type=submit]")
        if self.page.query_selector(".errorlist, .messages .error, [role=alert]") is None:
            self.problems.append(f"{self.page.url}: bad input on {form} showed no error")
        self.check(name)

    def menu_pages(self) -> None:
        """Open every page of the role's menu, as it is on the page now."""
        links = self.page.eval_on_selector_all(
            ".nav a[href]", "els => els.map(el => el.getAttribute('href'))"
        )
        for href in dict.fromkeys(links):
            if href.startswith("/"):
                slug = href.strip("/").replace("/", "-") or "home"
                self.go(href, f"menu-{slug}")

    def menu_shows(self, label: str) -> None:
        """On a phone the user's own module is in the menu without scrolling sideways."""
        link = self.page.locator(".nav a", has_text=label).first
        box = link.bounding_box()
        width = self.page.viewport_size["width"]
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width + 1:
            self.problems.append(f"menu entry {label!r} is off-screen on the {self.device}")


_WIDEST = """() => {
  const width = window.innerWidth; let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && (!worst || r.right > worst.r)) {
      worst = {r: r.right, tag: el.tagName + '.' + el.className};
    }
  }
  return worst ? worst.tag + ' right=' + Math.round(worst.r) : 'unknown';
}"""


@contextmanager
def walking(
    browser: Any,
    base_url: str,
    role: str,
    device: str,
    username: str,
    password: str,
    otp: Callable[[], str] | None = None,
    *,
    flat: bool = False,
    shots: int = 0,
) -> Iterator[Walk]:
    """A signed-in page for ``username`` on ``device``; fails with every problem seen."""
    # A Chinese browser, as the users' are (Accept-Language, navigator.language). The
    # date-time fields' own placeholder follows the Chromium build's locale, not this.
    context = browser.new_context(viewport=PHONE if device == "phone" else DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    walk = Walk(page=page, base_url=base_url, role=role, device=device, flat=flat, shots=shots)
    try:
        if username:
            page.goto(base_url + "/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            with page.expect_navigation():
                page.click("button[type=submit]")
            if "/account/otp/" in page.url and otp is not None:
                page.fill("input[name=otp_token]", otp())
                with page.expect_navigation():
                    page.click("form.form button[type=submit]")
            walk.check("home")
        yield walk
    finally:
        context.close()
    assert walk.problems == [], "\n".join(walk.problems)
