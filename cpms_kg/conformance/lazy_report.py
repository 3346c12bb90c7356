"""A W3C report that is written by whoever produced it, and parsed into rdflib only when used as a graph.

Building an rdflib graph of 100k findings takes seconds; serialising the report to Turtle or N-Triples
does not need one, so `serialize` asks the producer first (the Rust validator's own report, or the fast
engine's findings frame), and any other use parses its N-Triples once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import rdflib

Writer = Callable[[str], str | None]
"""The report in an rdflib format name ("turtle", "nt", ...), or None when the producer cannot write it."""


Streamer = Callable[[str], Iterator[bytes] | None]
"""The report in that format as a sequence of byte chunks, or None when the producer cannot stream it."""


class LazyReport(rdflib.Graph):
    def __init__(self, write: Writer, stream: Streamer | None = None) -> None:
        self._source: Writer | None = write
        self._stream = stream
        super().__init__()

    def chunks(self, format: str) -> Iterator[bytes] | None:
        """The report without holding it whole, when the producer can stream it; None otherwise."""
        if self._source is None or self._stream is None:
            return None
        return self._stream(format)

    @property
    def _Graph__store(self) -> Any:  # Graph's private store: every graph operation goes through it
        if self._source is not None:
            source, self._source = self._source, None
            text = source("nt")
            assert text is not None, "a report producer always writes N-Triples"
            self.parse(data=text, format="nt")
        return self.__dict__["_lazy_store"]

    @_Graph__store.setter
    def _Graph__store(self, store: Any) -> None:
        self.__dict__["_lazy_store"] = store

    def serialize(
        self,
        destination: Any = None,
        format: str = "turtle",
        base: str | None = None,
        encoding: str | None = None,
        **args: Any,
    ) -> Any:
        text = None
        if self._source is not None and destination is None and base is None and not args:
            text = self._source(format)
        if text is None:
            return super().serialize(destination, format, base, encoding, **args)
        return text if encoding is None else text.encode(encoding)
