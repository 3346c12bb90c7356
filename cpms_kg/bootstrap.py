"""Initialising a store: the ontology and the shipped classifications, each in its own named graph.

Idempotent: each shipped file's SHA-256 is recorded in the meta graph, so later starts reuse the
store and only a changed file is reloaded (its graph replaced in one step).

With demo data, the demo standards and the demo firms' product tables (cpms_kg/demo_firms.py) are
loaded too: each table is checked, committed and shared through the conformance pipeline like a
firm's upload, and its hash (with the standard's) recorded under its catalogue entry graph, so an
unchanged table is not shared again (nor re-shared after someone withdrew it).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path

import pyoxigraph as ox

from cpms_kg import __version__
from cpms_kg.classification.shipped import SHIPPED
from cpms_kg.demo_firms import DEMO_FIRMS, firm_triples, table
from cpms_kg.errors import UsageError
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import CPMS
from cpms_kg.resources import ontology_file, scheme_file
from cpms_kg.standards.demo import DEMO_STANDARDS
from cpms_kg.standards.model import Standard
from cpms_kg.standards.rdf import to_turtle
from cpms_kg.store.base import LoadSource, Store
from cpms_kg.terms import ntriples

META_GRAPH = graph_path("meta")
ONTOLOGY_GRAPH = graph_path("ontology")


@dataclass(frozen=True)
class Shipped:
    """One shipped piece of data and the graph it goes to (a path relative to the base IRI)."""

    name: str
    graph: str
    turtle: Callable[[str], bytes]
    """Its Turtle under a base IRI (shipped files ignore the base: their IRIs are relative)."""
    demo: bool = False


@dataclass
class InitReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.loaded)


def _file(file: Traversable) -> Callable[[str], bytes]:
    return lambda _base: file.read_bytes()


def _standard(standard: Standard) -> Callable[[str], bytes]:
    return lambda base: to_turtle(standard, base).encode()


def shipped_files(*, demo: bool = True) -> list[Shipped]:
    items = [Shipped("cpms.ttl", ONTOLOGY_GRAPH, _file(ontology_file("cpms.ttl")))]
    items += [Shipped(s.file_name, s.graph, _file(scheme_file(s.file_name))) for s in SHIPPED]
    # The demo standards are generated from their code (cpms_kg/standards/demo.py), so they always
    # match the model; their graphs are those of any imported standard version.
    items += [
        Shipped(s.key, graph_path("standard", s.info.id, s.info.version), _standard(s), demo=True)
        for s in DEMO_STANDARDS
    ]
    return [i for i in items if demo or not i.demo]


def _recorded(store: Store) -> tuple[str | None, dict[str, str]]:
    # Found by property, not by IRI: a store made under another base IRI must be recognised too.
    rows = store.select(f"SELECT ?p ?o WHERE {{ GRAPH ?meta {{ ?meta <{CPMS.baseIri}> ?base ; ?p ?o }} }}")
    base: str | None = None
    hashes: dict[str, str] = {}
    for row in rows:
        p, o = row["p"], row["o"]
        if isinstance(p, ox.NamedNode) and isinstance(o, ox.Literal):
            if p.value == str(CPMS.baseIri):
                base = o.value
            elif p.value == str(CPMS.loadedFile):
                graph, _, digest = o.value.partition(" ")
                hashes[graph] = digest
    return base, hashes


def initialise(store: Store, *, demo: bool = True, progress: Callable[[str], None] | None = None) -> InitReport:
    """Loads what is missing or changed; a store made under another base IRI is refused."""
    base, hashes = _recorded(store)
    if base is not None and base != store.base_iri:
        raise UsageError(
            f"this store was initialised with base IRI {base}; start with CPMS_KG_BASE_IRI={base} or use another store",
            message_zh=f"该存储以基础 IRI {base} 初始化；请设置 CPMS_KG_BASE_IRI={base} 或使用新的存储",
        )
    report = InitReport()
    for item in shipped_files(demo=demo):
        graph = store.base_iri + item.graph
        data = item.turtle(store.base_iri)
        digest = hashlib.sha256(data).hexdigest()
        if hashes.get(graph) == digest:
            report.unchanged.append(item.name)
            continue
        if progress is not None:
            progress(item.name)
        source = LoadSource(
            name=item.name,
            format=ox.RdfFormat.TURTLE,
            data=data,
            graph=graph,
            base_iri=store.base_iri,
        )
        store.replace_graph(graph, source)
        hashes[graph] = digest
        report.loaded.append(item.name)
    if demo:
        _share_demo_firms(store, hashes, report, progress)
    if report.changed or base is None:
        _write_meta(store, hashes)
    return report


def _share_demo_firms(
    store: Store, hashes: dict[str, str], report: InitReport, progress: Callable[[str], None] | None
) -> None:
    from cpms_kg.conformance.datasets import catalogue_graph, commit, share
    from cpms_kg.conformance.pipeline import Options, check_file
    from cpms_kg.standards.service import load

    for firm in DEMO_FIRMS:
        record = ntriples(firm_triples(store.base_iri, firm))
        standard_graph = store.base_iri + graph_path("standard", *firm.standard.split("@"))
        data = table(firm)
        digest = hashlib.sha256(b"\n".join([data, record, hashes.get(standard_graph, "").encode()])).hexdigest()
        key = catalogue_graph(store.base_iri, firm.id, firm.dataset)
        name = f"demo firm {firm.id}"
        if hashes.get(key) == digest:
            report.unchanged.append(name)
            continue
        if progress is not None:
            progress(name)
        firm_graph = store.base_iri + graph_path("firm", firm.id)
        store.replace_graph(firm_graph, LoadSource(name, ox.RdfFormat.N_TRIPLES, data=record, graph=firm_graph))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{firm.id}.csv"
            path.write_bytes(data)
            outcome = check_file(store, firm.standard, path, Options(firm=firm.id, trusted=True))
            if not outcome.report.conforms:
                raise RuntimeError(f"the demo table of {firm.id} does not conform to {firm.standard}")
            # The products are built from the file when committed, so while it still exists.
            commit(store, outcome, load(store, firm.standard, trusted=True), firm=firm.id, dataset=firm.dataset)
        share(store, firm.id, firm.dataset)
        hashes[key] = digest
        report.loaded.append(name)


def _write_meta(store: Store, hashes: dict[str, str]) -> None:
    meta = store.base_iri + META_GRAPH
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"<{meta}> <{CPMS.baseIri}> {ox.Literal(store.base_iri)} .",
        f"<{meta}> <{CPMS.softwareVersion}> {ox.Literal(__version__)} .",
        f'<{meta}> <http://purl.org/dc/terms/modified> "{now}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .',
    ]
    lines += [f"<{meta}> <{CPMS.loadedFile}> {ox.Literal(f'{g} {d}')} ." for g, d in sorted(hashes.items())]
    store.replace_graph(meta, LoadSource(name="meta", format=ox.RdfFormat.N_TRIPLES, data="\n".join(lines).encode()))
