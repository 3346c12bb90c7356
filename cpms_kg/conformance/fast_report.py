"""The W3C SHACL validation report built from findings, without pySHACL.

It holds what pySHACL's report holds for the constraints the fast engine evaluates: one
sh:ValidationReport with sh:conforms, and per finding a sh:ValidationResult with sh:focusNode,
sh:resultPath, sh:value (typed as in the data), sh:resultSeverity, sh:sourceConstraintComponent,
sh:sourceShape and the shape's zh/en messages as sh:resultMessage. `write_report` writes them as
Turtle or N-Triples straight from the fast engine's findings frame, composed in polars a batch at a
time (no Python object per triple or finding; in Turtle, with prefixed names and each check's shared
statements composed once); `write_ntriples` streams them from `Finding`s, and
`report_graph` collects them in an rdflib graph (the `EngineResult.report` form, slow at scale).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO

import polars as pl
import rdflib
from rdflib.namespace import RDF, XSD

from cpms_kg.conformance.engine import Finding
from cpms_kg.namespaces import SH

_Term = rdflib.URIRef | rdflib.BNode | rdflib.Literal


def _results(
    findings: Iterable[Finding], datatypes: Sequence[str | None] | None
) -> Iterator[tuple[int, Finding, str | None]]:
    for n, finding in enumerate(findings):
        yield n, finding, datatypes[n] if datatypes else None


def report_triples(
    findings: Iterable[Finding], conforms: bool, datatypes: Sequence[str | None] | None = None
) -> Iterator[tuple[_Term, _Term, _Term]]:
    """The report's triples; `datatypes[n]` is the datatype IRI of finding n's value (None: plain string)."""
    report = rdflib.BNode("report")
    yield report, RDF.type, SH.ValidationReport
    yield report, SH.conforms, rdflib.Literal(conforms)
    for n, finding, datatype in _results(findings, datatypes):
        node = rdflib.BNode(f"r{n}")
        yield report, SH.result, node
        yield node, RDF.type, SH.ValidationResult
        yield node, SH.focusNode, rdflib.URIRef(finding.focus)
        if finding.path is not None:
            yield node, SH.resultPath, rdflib.URIRef(finding.path)
        if finding.value is not None:
            dt = None if datatype is None or datatype == str(XSD.string) else rdflib.URIRef(datatype)
            yield node, SH.value, rdflib.Literal(finding.value, datatype=dt, normalize=False)
        yield node, SH.resultSeverity, SH[finding.severity]
        yield node, SH.sourceConstraintComponent, SH[finding.component]
        yield node, SH.sourceShape, rdflib.URIRef(finding.shape)
        for text, lang in ((finding.message_zh, "zh"), (finding.message_en, "en")):
            if text:
                yield node, SH.resultMessage, rdflib.Literal(text, lang=lang)


def report_graph(
    findings: Iterable[Finding], conforms: bool, datatypes: Sequence[str | None] | None = None
) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    for triple in report_triples(findings, conforms, datatypes):
        graph.add(triple)
    return graph


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _nt(term: _Term) -> str:
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    lexical = f'"{_escape(str(term))}"'
    if term.language:
        return f"{lexical}@{term.language}"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"{lexical}^^<{term.datatype}>"
    return lexical


def write_ntriples(
    out: IO[str], findings: Iterable[Finding], conforms: bool, datatypes: Sequence[str | None] | None = None
) -> int:
    """Stream the report as N-Triples, a finding at a time; returns the number of triples written."""
    count = 0
    for s, p, o in report_triples(findings, conforms, datatypes):
        out.write(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n")
        count += 1
    return count


_SH = str(SH)
_CONSTANT = ("path", "severity", "component", "shape", "message_zh", "message_en")
"""What a finding shares with every other finding of its check: written once per check, not per finding."""
_PLX = r"%[0-9A-Fa-f]{2}|\\/"
_PN_LOCAL = rf"^(?:[A-Za-z0-9_]|{_PLX})(?:(?:[A-Za-z0-9_.\-]|{_PLX})*(?:[A-Za-z0-9_\-]|{_PLX}))?$"
"""The Turtle local names this writer uses: a safe part of PN_LOCAL
(https://www.w3.org/TR/turtle/#grammar-production-PN_LOCAL), "/" escaped."""


def _quoted(column: str) -> pl.Expr:
    text = pl.col(column).str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
    text = text.str.replace_all("\n", "\\n", literal=True).str.replace_all("\r", "\\r", literal=True)
    return pl.lit('"') + text + pl.lit('"')


def _value() -> pl.Expr:
    plain = pl.col("datatype").is_null() | (pl.col("datatype") == str(XSD.string))
    return _quoted("value") + pl.when(plain).then(pl.lit("")).otherwise(
        pl.lit("^^<") + pl.col("datatype") + pl.lit(">")
    )


def _statements(batch: pl.DataFrame, start: int) -> pl.Series:
    """One finding's N-Triples per row of `batch` (FRAME_COLUMNS), blank nodes numbered from `start`."""
    node = pl.lit("_:r") + (pl.int_range(0, pl.len()) + start).cast(pl.String)
    sh = lambda local: pl.lit(f"<{_SH}") + local + pl.lit(">")  # noqa: E731
    pairs: list[tuple[str, pl.Expr]] = [
        ("type", pl.lit(f"<{RDF.type}> <{_SH}ValidationResult>")),
        ("focusNode", pl.lit("<") + pl.col("focus") + pl.lit(">")),
        ("resultPath", pl.lit("<") + pl.col("path") + pl.lit(">")),
        ("value", _value()),
        ("resultSeverity", sh(pl.col("severity"))),
        ("sourceConstraintComponent", sh(pl.col("component"))),
        ("sourceShape", pl.lit("<") + pl.col("shape") + pl.lit(">")),
        ("resultMessage", pl.when(pl.col("message_zh") != "").then(_quoted("message_zh") + pl.lit("@zh"))),
        ("resultMessage", pl.when(pl.col("message_en") != "").then(_quoted("message_en") + pl.lit("@en"))),
    ]
    parts = [
        node + pl.lit(" ") + (pl.lit(f"<{_SH}{p}> ") if p != "type" else pl.lit("")) + o + pl.lit(" .")
        for p, o in pairs
    ]
    head = pl.lit(f"_:report <{_SH}result> ") + node + pl.lit(" .")
    return batch.select(pl.concat_str([head, *parts], separator="\n", ignore_nulls=True) + pl.lit("\n")).to_series()


def _namespace(iris: pl.Series) -> str | None:
    """The longest namespace (up to a / or #) that every IRI of `iris` starts with."""
    low, high = iris.min(), iris.max()
    if not isinstance(low, str) or not isinstance(high, str):
        return None
    # The lowest and the highest share what all share.
    common = next((n for n, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), min(len(low), len(high)))
    cut = max(low.rfind("/", 0, common), low.rfind("#", 0, common))
    return low[: cut + 1] if cut > 0 else None


def _term(iri: pl.Expr, namespace: str | None, name: str) -> pl.Expr:
    """`iri` as a prefixed name where it can be one, else in angle brackets."""
    full = pl.lit("<") + iri + pl.lit(">")
    if namespace is None:
        return full
    local = iri.str.strip_prefix(namespace).str.replace_all("/", "\\/", literal=True)
    short = iri.str.starts_with(namespace) & local.str.contains(_PN_LOCAL)
    return pl.when(short).then(pl.lit(f"{name}:") + local).otherwise(full)


@dataclass(frozen=True)
class _Turtle:
    """What every batch of a Turtle report uses: the prefixes and each check's constant part."""

    head: str
    focus: str | None
    checks: pl.DataFrame
    """check -> the finding's statements after its focus node and value, up to the closing " ] ."."""

    @classmethod
    def of(cls, frame: pl.DataFrame) -> _Turtle:
        checks = frame.group_by("check").agg(pl.col(c).first() for c in _CONSTANT)
        focus, path, shape = _namespace(frame["focus"]), _namespace(checks["path"]), _namespace(checks["shape"])
        names = {"sh": _SH, "xsd": str(XSD), "p": focus, "attr": path, "shape": shape}
        head = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in names.items() if iri is not None)
        said = lambda column, lang: pl.when(pl.col(column) != "").then(  # noqa: E731
            pl.lit(" ;\n    sh:resultMessage ") + _quoted(column) + pl.lit(f"@{lang}")
        )
        constant = pl.concat_str(
            [
                pl.lit(" ;\n    sh:resultPath ") + _term(pl.col("path"), path, "attr"),
                pl.lit(" ;\n    sh:resultSeverity sh:") + pl.col("severity"),
                pl.lit(" ;\n    sh:sourceConstraintComponent sh:") + pl.col("component"),
                pl.lit(" ;\n    sh:sourceShape ") + _term(pl.col("shape"), shape, "shape"),
                said("message_zh", "zh"),
                said("message_en", "en"),
                pl.lit(" ] .\n"),
            ],
            ignore_nulls=True,
        )
        return cls(head + "\n", focus, checks.select("check", constant.alias("text")))

    def statements(self, batch: pl.DataFrame) -> pl.Series:
        value = pl.lit(" ;\n    sh:value ") + _value()
        constant = pl.col("check").replace_strict(self.checks["check"], self.checks["text"], return_dtype=pl.String)
        opening = pl.lit("_:report sh:result [ a sh:ValidationResult ;\n    sh:focusNode ")
        parts = [opening, _term(pl.col("focus"), self.focus, "p"), value, constant]
        return batch.select(pl.concat_str(parts, ignore_nulls=True)).to_series()


def _checked(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with a `check` column: the fast engine's own, or one per distinct constant part."""
    if "check" in frame.columns:
        return frame
    return frame.with_columns(pl.struct(_CONSTANT).rank("dense").alias("check"))


def report_chunks(frame: pl.DataFrame, conforms: bool, fmt: str = "turtle", batch: int = 20_000) -> Iterator[bytes]:
    """The W3C report of a findings frame (`FastResult.frame`) as Turtle or N-Triples ("nt"), a batch of
    findings at a time, so it can be sent or written without being held whole. In Turtle each finding's
    shared part (path, severity, component, shape, messages) is written once per check and reused."""
    turtle = _Turtle.of(_checked(frame)) if fmt == "turtle" and frame.height else None
    flag = str(conforms).lower()
    if fmt == "turtle":
        head = turtle.head if turtle else f"@prefix sh: <{_SH}> .\n\n"
        yield f"{head}_:report a sh:ValidationReport ;\n    sh:conforms {flag} .\n".encode()
    else:
        typed = f'"{flag}"^^<{XSD.boolean}>'
        yield f"_:report <{RDF.type}> <{_SH}ValidationReport> .\n_:report <{_SH}conforms> {typed} .\n".encode()
    if not frame.height:
        return
    source = _checked(frame) if turtle else frame

    def compose(start: int) -> bytes:
        part = source.slice(start, batch)
        text = turtle.statements(part) if turtle else _statements(part, start)
        return text.str.join("").cast(pl.Binary).item()

    # Batches are composed on both cores while earlier ones are sent (polars releases the GIL); batches of
    # a few megabytes of text are measured faster than larger ones, whose buffers the allocator maps anew.
    with ThreadPoolExecutor(2) as pool:
        pending: deque[Future[bytes]] = deque()
        for start in range(0, frame.height, batch):
            pending.append(pool.submit(compose, start))
            if len(pending) > 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def write_report(
    out: IO[bytes], frame: pl.DataFrame, conforms: bool, fmt: str = "turtle", batch: int = 20_000
) -> None:
    """`report_chunks` written to a binary file."""
    for chunk in report_chunks(frame, conforms, fmt, batch):
        out.write(chunk)
