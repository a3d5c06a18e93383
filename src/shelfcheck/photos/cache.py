"""The photo-facts cache: facts keyed by the photo's content hash (and URL → hash).

A photo shared by several listings, or reviewed again, is hashed, not
analysed. Bounded (least recently used entries go first).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shelfcheck.photos.analysis import PhotoFacts


class PhotoCache:
    def __init__(self, max_entries: int = 20000) -> None:
        self.max_entries = max_entries
        self._facts: OrderedDict[tuple[str, bool], PhotoFacts] = OrderedDict()
        self._urls: OrderedDict[str, str] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, sha: str, ocr: bool) -> PhotoFacts | None:
        key = (sha, ocr)
        found = self._facts.get(key)
        if found is None and not ocr:
            found = self._facts.get((sha, True))
        if found is None:
            self.misses += 1
            return None
        if key in self._facts:
            self._facts.move_to_end(key)
        self.hits += 1
        return found

    def put(self, sha: str, ocr: bool, facts: PhotoFacts) -> None:
        self._facts[(sha, ocr)] = facts
        if len(self._facts) > self.max_entries:
            self._facts.popitem(last=False)

    def url_hash(self, url: str) -> str | None:
        return self._urls.get(url)

    def remember_url(self, url: str, sha: str) -> None:
        self._urls[url] = sha
        if len(self._urls) > self.max_entries:
            self._urls.popitem(last=False)

    def clear(self) -> None:
        self._facts.clear()
        self._urls.clear()
