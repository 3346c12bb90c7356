"""Large RDF files checked a part at a time, so that memory follows the part, not the file.

The Rust validator holds the whole data graph (2.1 GB end to end for 100,000 products as N-Triples).
When every shape reads only its focus node's own triples, which is what a standard's compiled shapes do,
checking the data split by subject finds exactly what checking it whole finds: each node's triples go to
one part (blank nodes by their label in the file), and the data's rdfs:subClassOf statements, which class
targets follow, go to every part. The parts' W3C reports are merged into one: one sh:ValidationReport,
every result with its blank nodes renamed apart.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
import zlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from cpms_kg.conformance.lazy_report import LazyReport

SH = "http://www.w3.org/ns/shacl#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
PART_BYTES = 128 * 2**20
"""Files above this size are split into parts of about this size (the validator needs some 6 bytes of memory
per byte of N-Triples)."""
# Constraints and targets that read other nodes' triples, or whose focus nodes have no triples of their own.
_NOT_LOCAL = frozenset(
    SH + name
    for name in [
        *("targetNode", "targetSubjectsOf", "targetObjectsOf", "class", "node", "property", "qualifiedValueShape"),
        *("and", "or", "xone", "not"),
        *("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"),
    ]
)


def local(shapes: list[ox.Triple]) -> bool:
    """Whether every shape reads only its focus node's own triples: class targets, predicate paths, and
    constraints on the values themselves (or on the focus node's other values: sh:equals, sh:closed, ...)."""
    path_shapes = {t.subject for t in shapes if t.predicate.value == SH + "path"}
    for t in shapes:
        p = t.predicate.value
        if p == SH + "path" and not isinstance(t.object, ox.NamedNode):
            return False
        # A node shape's property shapes are its own; a property shape's would check its values' triples.
        if p in _NOT_LOCAL and not (p == SH + "property" and t.subject not in path_shapes):
            return False
    return True


def parts_needed(path: Path) -> int:
    return -(-path.stat().st_size // PART_BYTES)


def split(path: Path, format: ox.RdfFormat, base_iri: str | None, count: int, folder: Path) -> list[Path]:
    """The file's triples as `count` N-Triples files, by subject; rdfs:subClassOf statements go to each."""
    paths = [folder / f"part-{n}.nt" for n in range(count)]
    outs = [p.open("w", encoding="utf-8") for p in paths]
    schema: list[str] = []
    try:
        for quad in ox.parse(path=path, format=format, base_iri=base_iri):
            line = f"{quad.subject} {quad.predicate} {quad.object} .\n"
            if quad.predicate.value == _SUBCLASS:
                schema.append(line)
            else:
                outs[zlib.crc32(str(quad.subject).encode()) % count].write(line)
        for out in outs:
            out.writelines(schema)
    finally:
        for out in outs:
            out.close()
    return paths


class MergedReport:
    """The parts' reports as one, kept in an N-Triples file until the report is dropped."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cpms-kg-report-"))
        # Removed with the last reference: the report's writers hold this object, a failed run drops it.
        weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        self.path = self.folder / "report.nt"
        self._out = self.path.open("w", encoding="utf-8")
        self._said: set[str] = set()
        self._parts = 0

    def add(self, report_nt: str) -> None:
        """One part's report (N-Triples): its results joined to the merged report, blank nodes renamed."""
        part = self._parts = self._parts + 1
        triples = [q.triple for q in ox.parse(report_nt.encode(), format=ox.RdfFormat.N_TRIPLES)]
        reports = {
            t.subject
            for t in triples
            if t.predicate.value == _TYPE and t.object == ox.NamedNode(SH + "ValidationReport")
        }

        def renamed(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
            return f"_:p{part}x{term.value}" if isinstance(term, ox.BlankNode) else str(term)

        for t in triples:
            p = t.predicate.value
            if t.subject not in reports:
                self._out.write(f"{renamed(t.subject)} {t.predicate} {renamed(t.object)} .\n")
            elif p == SH + "result":
                self._out.write(f"_:report {t.predicate} {renamed(t.object)} .\n")
            elif p not in (_TYPE, SH + "conforms"):
                self._said.add(f"_:report {t.predicate} {t.object} .\n")  # what the validator states of every report

    def close(self, conforms: bool) -> LazyReport:
        self._out.write(f"_:report <{_TYPE}> <{SH}ValidationReport> .\n")
        self._out.write(f'_:report <{SH}conforms> "{str(conforms).lower()}"^^<{_BOOLEAN}> .\n')
        self._out.writelines(sorted(self._said))
        self._out.close()
        return LazyReport(self._write, self._stream)

    def _write(self, fmt: str) -> str | None:
        chunks = self._stream(fmt)
        return None if chunks is None else b"".join(chunks).decode("utf-8")

    def _stream(self, fmt: str) -> Iterator[bytes] | None:
        if fmt in ("nt", "ntriples", "nt11"):
            return _blocks(self.path)
        if fmt not in ("turtle", "ttl"):
            return None  # LazyReport reads the N-Triples into rdflib for other formats
        turtle = self.folder / "report.ttl"
        if not turtle.exists():  # written once, streamed from the N-Triples
            triples = (q.triple for q in ox.parse(path=self.path, format=ox.RdfFormat.N_TRIPLES))
            ox.serialize(triples, output=turtle, format=ox.RdfFormat.TURTLE, prefixes={"sh": SH})
        return _blocks(turtle)


def _blocks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(size):
            yield block
