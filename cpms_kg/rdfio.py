"""RDF formats, media types and parsing with errors that name the file and line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from cpms_kg.errors import BadInput, Problem, UnsupportedMediaType
from cpms_kg.store.base import LoadSource

_EXTENSIONS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}

_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.N3,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
}


def format_for_path(path: Path) -> ox.RdfFormat:
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise BadInput(
            f"{path}: cannot tell the RDF format from the extension {path.suffix!r} (known: {known})",
            message_zh=f"{path}：无法从扩展名 {path.suffix!r} 判断 RDF 格式（支持：{known}）",
            problems=[Problem("unknown RDF file extension", source=str(path), message_zh="未知的 RDF 文件扩展名")],
        )
    return fmt


def format_for_media_type(content_type: str | None) -> ox.RdfFormat:
    media = (content_type or "").split(";")[0].strip().lower()
    fmt = _MEDIA_TYPES.get(media)
    if fmt is None:
        raise UnsupportedMediaType(
            f"unsupported RDF media type {media or '(none)'!r}; send one of {', '.join(_MEDIA_TYPES)}",
            message_zh=f"不支持的 RDF 媒体类型 {media or '（无）'!r}",
        )
    return fmt


def source_from_path(path: Path, *, graph: str | None = None, base_iri: str | None = None) -> LoadSource:
    if not path.is_file():
        raise BadInput(
            f"{path}: no such file",
            message_zh=f"{path}：文件不存在",
            problems=[Problem("no such file", source=str(path), message_zh="文件不存在")],
        )
    return LoadSource(name=str(path), format=format_for_path(path), path=path, graph=graph, base_iri=base_iri)


def syntax_problem(source: str, exc: SyntaxError) -> BadInput:
    line = exc.lineno
    detail = exc.msg or str(exc)
    where = f"{source}:{line}" if line else source
    return BadInput(
        f"{where}: malformed RDF: {detail}",
        message_zh=f"{where}：RDF 语法错误：{detail}",
        problems=[Problem(f"malformed RDF: {detail}", source=source, line=line, message_zh=f"RDF 语法错误：{detail}")],
    )


class _CountingReader:
    """Wraps a binary file to report how many bytes the parser has read."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._on_read(len(chunk))
        return chunk

    def readinto(self, buffer: bytearray) -> int:
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self._on_read(n or 0)
        return n or 0


def iter_quads(
    source: LoadSource, *, on_read: Callable[[int], None] | None = None, graph_name: str | None = None
) -> Iterator[ox.Quad]:
    """Parses one source into quads, triples going to `graph_name` (or the source's graph)."""
    target_iri = graph_name if graph_name is not None else source.graph
    target: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(target_iri) if target_iri else ox.DefaultGraph()
    try:
        if source.path is not None:
            with source.path.open("rb") as raw:
                reader: IO[bytes] = raw if on_read is None else _CountingReader(raw, on_read)  # type: ignore[assignment]
                yield from _retarget(
                    ox.parse(reader, source.format, base_iri=source.base_iri, rename_blank_nodes=True),
                    target,
                )
        else:
            yield from _retarget(
                ox.parse(source.data or b"", source.format, base_iri=source.base_iri, rename_blank_nodes=True),
                target,
            )
    except SyntaxError as exc:
        raise syntax_problem(source.name, exc) from exc
    except ValueError as exc:
        raise BadInput(f"{source.name}: {exc}", message_zh=f"{source.name}：{exc}") from exc


def count_quads(source: LoadSource, *, on_read: Callable[[int], None] | None = None) -> int:
    """Parses a source only to validate it; the engine reads the file, Python only counts."""
    try:
        if source.path is not None:
            with source.path.open("rb") as raw:
                reader: IO[bytes] = raw if on_read is None else _CountingReader(raw, on_read)  # type: ignore[assignment]
                return sum(1 for _ in ox.parse(reader, source.format, base_iri=source.base_iri))
        return sum(1 for _ in ox.parse(source.data or b"", source.format, base_iri=source.base_iri))
    except SyntaxError as exc:
        raise syntax_problem(source.name, exc) from exc
    except ValueError as exc:
        raise BadInput(f"{source.name}: {exc}", message_zh=f"{source.name}：{exc}") from exc


def _retarget(items: Iterator[ox.Quad], target: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    for quad in items:
        if isinstance(quad.graph_name, ox.DefaultGraph) and not isinstance(target, ox.DefaultGraph):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
        else:
            yield quad


def source_size(source: LoadSource) -> int:
    if source.path is not None:
        return source.path.stat().st_size
    return len(source.data or b"")
