"""The W3C SHACL validation report built from findings, without pySHACL.

It holds what pySHACL's report holds for the constraints the fast engine evaluates: one
sh:ValidationReport with sh:conforms, and per finding a sh:ValidationResult with sh:focusNode,
sh:resultPath, sh:value (typed as in the data), sh:resultSeverity, sh:sourceConstraintComponent,
sh:sourceShape and the shape's zh/en messages as sh:resultMessage. `write_report` writes them as
Turtle or N-Triples straight from the fast engine's findings frame, composed in polars a batch at a
time (no Python object per triple or finding); `write_ntriples` streams them from `Finding`s, and
`report_graph` collects them in an rdflib graph (the `EngineResult.report` form, slow at scale).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
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
_PREFIXES = f"@prefix sh: <{_SH}> .\n@prefix xsd: <{XSD}> .\n\n"


def _quoted(column: str) -> pl.Expr:
    text = pl.col(column).str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
    text = text.str.replace_all("\n", "\\n", literal=True).str.replace_all("\r", "\\r", literal=True)
    return pl.lit('"') + text + pl.lit('"')


def _statements(batch: pl.DataFrame, start: int, turtle: bool) -> pl.Series:
    """One finding's triples per row of `batch` (FRAME_COLUMNS), blank nodes numbered from `start`."""
    node = pl.lit("_:r") + (pl.int_range(0, pl.len()) + start).cast(pl.String)
    value = _quoted("value") + pl.when(pl.col("datatype").is_null() | (pl.col("datatype") == str(XSD.string))).then(
        pl.lit("")
    ).otherwise(pl.lit("^^<") + pl.col("datatype") + pl.lit(">"))
    sh = (lambda local: pl.lit("sh:") + local) if turtle else (lambda local: pl.lit(f"<{_SH}") + local + pl.lit(">"))
    pairs: list[tuple[str, pl.Expr]] = [
        ("type", pl.lit("a sh:ValidationResult") if turtle else pl.lit(f"<{RDF.type}> <{_SH}ValidationResult>")),
        ("focusNode", pl.lit("<") + pl.col("focus") + pl.lit(">")),
        ("resultPath", pl.lit("<") + pl.col("path") + pl.lit(">")),
        ("value", value),
        ("resultSeverity", sh(pl.col("severity"))),
        ("sourceConstraintComponent", sh(pl.col("component"))),
        ("sourceShape", pl.lit("<") + pl.col("shape") + pl.lit(">")),
        ("resultMessage", pl.when(pl.col("message_zh") != "").then(_quoted("message_zh") + pl.lit("@zh"))),
        ("resultMessage", pl.when(pl.col("message_en") != "").then(_quoted("message_en") + pl.lit("@en"))),
    ]
    if turtle:
        parts = [(pl.lit("    ") + (pl.lit(f"sh:{p} ") if p != "type" else pl.lit("")) + o) for p, o in pairs]
        body = pl.concat_str(parts, separator=" ;\n", ignore_nulls=True)
        lines = pl.lit("_:report sh:result ") + node + pl.lit(" .\n") + node + pl.lit("\n") + body + pl.lit(" .\n")
    else:
        parts = [
            node + pl.lit(" ") + (pl.lit(f"<{_SH}{p}> ") if p != "type" else pl.lit("")) + o + pl.lit(" .")
            for p, o in pairs
        ]
        head = pl.lit(f"_:report <{_SH}result> ") + node + pl.lit(" .")
        lines = pl.concat_str([head, *parts], separator="\n", ignore_nulls=True) + pl.lit("\n")
    return batch.select(lines.alias("text")).to_series()


def report_chunks(frame: pl.DataFrame, conforms: bool, fmt: str = "turtle", batch: int = 100_000) -> Iterator[bytes]:
    """The W3C report of a findings frame (`FastResult.frame`) as Turtle or N-Triples ("nt"), a batch of
    findings at a time, so it can be sent or written without being held whole."""
    turtle = fmt == "turtle"
    flag = f'"{str(conforms).lower()}"^^<{XSD.boolean}>'
    if turtle:
        yield f"{_PREFIXES}_:report a sh:ValidationReport ;\n    sh:conforms {str(conforms).lower()} .\n".encode()
    else:
        yield f"_:report <{RDF.type}> <{_SH}ValidationReport> .\n_:report <{_SH}conforms> {flag} .\n".encode()

    def compose(start: int) -> bytes:
        text = _statements(frame.slice(start, batch), start, turtle).str.strip_suffix("\n").to_frame()
        out = io.BytesIO()
        # Written by polars itself, a line per finding (the statements carry no CSV quoting).
        text.write_csv(out, include_header=False, quote_style="never")
        return out.getvalue()

    # The next batch is composed on another core while this one is sent (polars releases the GIL).
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(compose, 0) if frame.height else None
        for start in range(0, frame.height, batch):
            assert pending is not None
            chunk = pending.result()
            pending = pool.submit(compose, start + batch) if start + batch < frame.height else None
            yield chunk


def write_report(
    out: IO[bytes], frame: pl.DataFrame, conforms: bool, fmt: str = "turtle", batch: int = 100_000
) -> None:
    """`report_chunks` written to a binary file."""
    for chunk in report_chunks(frame, conforms, fmt, batch):
        out.write(chunk)
