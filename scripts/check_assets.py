#!/usr/bin/env python
"""Fetch every stylesheet, script and image that hallway's key pages link to, from a running
server, and fail on any answer but 200.

The pages are the ones a newcomer opens first: the landing page, a day of the programme grid,
a session page (the first one the grid links to) and the organiser login page.  CI runs it
against the site as `make demo` serves it (see .ci/demo-check); by hand:

    .venv/bin/python scripts/check_assets.py http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


class Links(HTMLParser):
    """Collects asset URLs (stylesheets, icons, scripts, images) and page links."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "link"
            and a.get("href")
            and a.get("rel", "").lower()
            in {
                "stylesheet",
                "icon",
                "manifest",
                "preload",
                "apple-touch-icon",
            }
        ):
            self.assets.append(a["href"])
        elif tag in {"script", "img", "source"} and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def fetch(url: str) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "hallway-asset-check"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - our server
            return response.status, response.read(), response.geturl()
    except urllib.error.HTTPError as exc:
        return exc.code, b"", url


def parse(body: bytes) -> Links:
    links = Links()
    links.feed(body.decode("utf-8", "replace"))
    return links


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    base = args.base.rstrip("/") + "/"
    failures: list[str] = []
    checked: dict[str, int] = {}

    def page(url: str) -> Links | None:
        status, body, final = fetch(url)
        print(f"{status} page  {url}")
        if status != 200:
            failures.append(f"{url}: page answered {status}")
            return None
        links = parse(body)
        for asset in links.assets:
            target = urljoin(final, asset)
            if urlsplit(target).netloc != urlsplit(base).netloc:
                failures.append(f"{url}: links an asset on another host: {target}")
                continue
            if target not in checked:
                checked[target] = fetch(target)[0]
                print(f"{checked[target]} asset {target}")
            if checked[target] != 200:
                failures.append(f"{url}: {target} answered {checked[target]}")
        if not links.assets:
            failures.append(f"{url}: links no stylesheet, script or image at all")
        return links

    landing = page(base)
    grid_url = next(
        (urljoin(base, h) for h in (landing.links if landing else []) if "/programme/" in h),
        None,
    )
    if grid_url is None:
        failures.append("the landing page links to no programme grid")
    else:
        grid = page(grid_url)
        session_url = next(
            (urljoin(base, h) for h in (grid.links if grid else []) if "/sessions/" in h), None
        )
        if session_url is None:
            failures.append(f"{grid_url} links to no session page")
        else:
            page(session_url)
    page(urljoin(base, "manage/login/"))

    if failures:
        print("\nFAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(f"\nall {len(checked)} assets of 4 pages answered 200")
    return 0


if __name__ == "__main__":
    sys.exit(main())
