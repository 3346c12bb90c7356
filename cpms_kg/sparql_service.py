"""Running callers' SPARQL: format negotiation, the SERVICE allow-list, and the service description."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from cpms_kg import conneg
from cpms_kg.errors import Forbidden
from cpms_kg.settings import Settings
from cpms_kg.store.base import (
    PROTECTED_WRITES,
    Dataset,
    FormatChoice,
    LoadSource,
    SerializedResult,
    Store,
    is_protected_graph,
    protected_graphs,
)
from cpms_kg.store.sparql_text import scan_query, update_reach

SD = "http://www.w3.org/ns/sparql-service-description#"


def check_services(targets: Sequence[str | None], allowlist: Sequence[str]) -> None:
    """The service never calls an address for a caller unless an operator allowed that endpoint."""
    for target in targets:
        if target is None:
            raise Forbidden(
                "SERVICE with a variable endpoint is not allowed on this service",
                message_zh="本服务不允许以变量指定 SERVICE 端点",
            )
        if target not in allowlist:
            raise Forbidden(
                f"SERVICE <{target}> is not on this service's allow-list (CPMS_KG_SERVICE_ALLOWLIST)",
                message_zh=f"SERVICE <{target}> 不在本服务的允许列表中（CPMS_KG_SERVICE_ALLOWLIST）",
            )


def _prepare(settings: Settings, query: str, accept: str | None) -> FormatChoice:
    info = scan_query(query)
    check_services(info.services, settings.service_allowlist)
    formats = FormatChoice(conneg.results_format(accept), conneg.graph_format(accept))
    if info.form is not None:
        if info.form.tabular and formats.results is None:
            raise conneg.not_acceptable(accept, conneg.RESULT_OFFERS)
        if not info.form.tabular and formats.graph is None:
            raise conneg.not_acceptable(accept, conneg.GRAPH_OFFERS)
    return formats


def _checked(result: SerializedResult, accept: str | None) -> SerializedResult:
    if not result.media_type:
        raise conneg.not_acceptable(accept, conneg.RESULT_OFFERS if result.form.tabular else conneg.GRAPH_OFFERS)
    return result


def run_query(
    store: Store, settings: Settings, query: str, *, accept: str | None, dataset: Dataset | None = None
) -> SerializedResult:
    formats = _prepare(settings, query, accept)
    result = store.execute(query, formats=formats, dataset=dataset, timeout=settings.query_timeout)
    return _checked(result, accept)


async def run_query_async(
    store: Store, settings: Settings, query: str, *, accept: str | None, dataset: Dataset | None = None
) -> SerializedResult:
    formats = _prepare(settings, query, accept)
    result = await store.execute_async(query, formats=formats, dataset=dataset, timeout=settings.query_timeout)
    return _checked(result, accept)


def run_update(store: Store, settings: Settings, update: str, *, dataset: Dataset | None = None) -> None:
    check_services(scan_query(update).services, settings.service_allowlist)
    reach = update_reach(update, store.base_iri)
    named = {*reach.iris, *(dataset.default_graphs if dataset else ()), *(dataset.named_graphs if dataset else ())}
    touched = sorted(g for g in named if is_protected_graph(store.base_iri, g))
    if touched:
        raise Forbidden(
            f"the update names {', '.join(touched)}, which only the service writes (audit trail, accounts)",
            message_zh=f"更新涉及 {'、'.join(touched)}，该图仅由服务写入（审计记录、账户）",
        )
    if not reach.wide:
        store.update(update, dataset=dataset)
        return
    # CLEAR ALL, DROP NAMED or GRAPH ?g may reach graphs the update does not name: the protected ones are
    # put back as they were, under the lock their writers take, so no audit record is lost meanwhile.
    with PROTECTED_WRITES:
        graphs = set(store.named_graphs())
        kept = {g: store.graph_triples(g) for g in protected_graphs(store.base_iri) if g in graphs}
        store.update(update, dataset=dataset)
        for graph, triples in kept.items():
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            store.replace_graph(graph, LoadSource(name=graph, format=ox.RdfFormat.N_TRIPLES, data=data, graph=graph))


def service_description(store: Store, settings: Settings, endpoint_url: str) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of the public endpoint."""
    sd = ox.NamedNode(SD)
    node = ox.BlankNode()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def p(name: str) -> ox.NamedNode:
        return ox.NamedNode(sd.value + name)

    triples = [
        ox.Triple(node, rdf_type, p("Service")),
        ox.Triple(node, p("endpoint"), ox.NamedNode(endpoint_url)),
        ox.Triple(node, p("supportedLanguage"), p("SPARQL11Query")),
        ox.Triple(node, p("feature"), p("UnionDefaultGraph")),
        ox.Triple(node, p("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
    ]
    if settings.service_allowlist:
        triples.append(ox.Triple(node, p("feature"), p("BasicFederatedQuery")))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        triples.append(ox.Triple(node, p("resultFormat"), ox.NamedNode("http://www.w3.org/ns/formats/" + fmt)))
    dataset = ox.BlankNode()
    default = ox.BlankNode()
    triples += [
        ox.Triple(node, p("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, p("Dataset")),
        ox.Triple(dataset, p("defaultGraph"), default),
        ox.Triple(default, rdf_type, p("Graph")),
    ]
    for graph in store.public_graphs():
        named = ox.BlankNode()
        triples += [
            ox.Triple(dataset, p("namedGraph"), named),
            ox.Triple(named, rdf_type, p("NamedGraph")),
            ox.Triple(named, p("name"), ox.NamedNode(graph)),
        ]
    return triples


def _namespace(iri: str) -> str:
    return iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]


def serialize_triples(triples: list[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    kwargs: dict[str, object] = {}
    if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        # Only the prefixes in use: namespaces are what precedes an IRI's last '/' or '#'.
        used = {
            _namespace(t.value)
            for tr in triples
            for t in (tr.subject, tr.predicate, tr.object)
            if isinstance(t, ox.NamedNode)
        }
        kwargs["prefixes"] = {p: ns for p, ns in prefixes.items() if ns in used}
    return ox.serialize(triples, format=fmt, **kwargs) or b""  # type: ignore[arg-type]
