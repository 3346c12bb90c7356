"""The audit trail: every write through the service, recorded as a PROV-O activity in a private graph.

Each record names who (the account and the role they acted in), what (an action name and the resource
written), when, and references to the state before and after. The graph sits under the private prefix,
so neither the public endpoint nor the Graph Store Protocol can read or change it; only the admin
audit route reads it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from cpms_kg.accounts import Role, User, account_iri
from cpms_kg.iris import graph_path, last_segment
from cpms_kg.namespaces import CPMS, PROV, RDF, RDFS, XSD
from cpms_kg.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, check_page
from cpms_kg.store.base import PROTECTED_WRITES, LoadSource, Store
from cpms_kg.terms import value

_C = str(CPMS)


def audit_graph(base: str) -> str:
    return base + graph_path("private", "audit")


@dataclass(frozen=True)
class AuditRecord:
    iri: str
    account: str
    role: str
    action: str
    target: str
    time: str
    before: str | None
    after: str | None


def _role(user: User, acted_as: Role | None) -> Role:
    if acted_as is not None and (acted_as in user.roles or Role.ADMIN in user.roles):
        return acted_as
    return sorted(user.roles, key=lambda r: r.value)[0] if user.roles else Role.ADMIN


def record(
    store: Store,
    user: User,
    action: str,
    target: str,
    *,
    before: str | None = None,
    after: str | None = None,
    role: Role | None = None,
) -> AuditRecord:
    """Appends one record; `before`/`after` are short references (a status, a hash, a triple count, an IRI)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    node_iri = f"{store.base_iri}audit/{now[:10]}/{secrets.token_hex(8)}"
    acted = _role(user, role)
    node, target_node = ox.NamedNode(node_iri), ox.NamedNode(target)
    account = ox.NamedNode(account_iri(store.base_iri, user.name))
    triples = [
        ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Activity))),
        ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(_C + "AuditRecord")),
        ox.Triple(node, ox.NamedNode(str(PROV.wasAssociatedWith)), account),
        ox.Triple(node, ox.NamedNode(_C + "actedInRole"), ox.NamedNode(acted.iri)),
        ox.Triple(node, ox.NamedNode(_C + "action"), ox.Literal(action)),
        ox.Triple(node, ox.NamedNode(str(RDFS.label)), ox.Literal(f"{user.name}: {action}")),
        ox.Triple(node, ox.NamedNode(_C + "auditTarget"), target_node),
        ox.Triple(
            node, ox.NamedNode(str(PROV.startedAtTime)), ox.Literal(now, datatype=ox.NamedNode(str(XSD) + "dateTime"))
        ),
    ]
    for kind, state_value, link in (("before", before, PROV.used), ("after", after, PROV.generated)):
        if state_value is None:
            continue
        state = ox.NamedNode(f"{node_iri}/{kind}")
        triples += [
            ox.Triple(node, ox.NamedNode(str(link)), state),
            ox.Triple(state, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Entity))),
            ox.Triple(state, ox.NamedNode(str(PROV.specializationOf)), target_node),
            ox.Triple(state, ox.NamedNode(str(PROV.value)), ox.Literal(state_value)),
        ]
    graph = audit_graph(store.base_iri)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    with PROTECTED_WRITES:
        store.add_to_graph(graph, LoadSource(name="audit", format=ox.RdfFormat.N_TRIPLES, data=data, graph=graph))
    return AuditRecord(node_iri, user.name, acted.value, action, target, now, before, after)


def _where(graph: str, base: str, action: str | None, account: str | None) -> str:
    filters = [f"FILTER(?action = {ox.Literal(action)})" if action is not None else ""]
    if account is not None:
        filters.append(f"FILTER(?account = <{account_iri(base, account)}>)")
    return f"""GRAPH <{graph}> {{
              ?r a <{_C}AuditRecord> ; <{PROV}wasAssociatedWith> ?account ; <{_C}actedInRole> ?role ;
                 <{_C}action> ?action ; <{_C}auditTarget> ?target ; <{PROV}startedAtTime> ?time .
              {" ".join(filters)}
              OPTIONAL {{ ?r <{PROV}used>/<{PROV}value> ?before }}
              OPTIONAL {{ ?r <{PROV}generated>/<{PROV}value> ?after }} }}"""


def page(
    store: Store,
    *,
    action: str | None = None,
    account: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Page[AuditRecord]:
    """One page of the trail, oldest first (then by record IRI, so pages never overlap), with its total."""
    check_page(limit=limit, offset=offset)
    graph = audit_graph(store.base_iri)
    if graph not in store.named_graphs():
        return Page([], 0, limit, offset)
    where = _where(graph, store.base_iri, action, account)
    counted = store.select(f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ {where} }}", trusted=True)
    total = int(value(next(iter(counted))["n"]))
    rows = store.select(
        f"""SELECT ?r ?account ?role ?action ?target ?time ?before ?after WHERE {{ {where} }}
            ORDER BY ?time ?r LIMIT {limit} OFFSET {offset}""",
        trusted=True,
    )
    by_iri = {r.iri: r.value for r in Role}
    found = [
        AuditRecord(
            value(row["r"]),
            last_segment(value(row["account"])),
            by_iri.get(value(row["role"]), value(row["role"])),
            value(row["action"]),
            value(row["target"]),
            value(row["time"]),
            value(row["before"]) if "before" in row else None,
            value(row["after"]) if "after" in row else None,
        )
        for row in rows
    ]
    return Page(found, total, limit, offset)


def records(store: Store, *, action: str | None = None, account: str | None = None) -> list[AuditRecord]:
    """The whole trail, oldest first (for service-internal readers and tests; the route pages it)."""
    out: list[AuditRecord] = []
    while True:
        found = page(store, action=action, account=account, limit=MAX_LIMIT, offset=len(out))
        out += found.items
        if not found.items or len(out) >= found.total:
            return out


def page_triples(store: Store, found: Page[AuditRecord]) -> list[ox.Triple]:
    """The PROV-O triples of the records on a page (each record and its before and after states)."""
    if not found.items:
        return []
    nodes = " ".join(f"<{r.iri}>" for r in found.items)
    return store.construct(
        f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{audit_graph(store.base_iri)}> {{ VALUES ?r {{ {nodes} }}
              {{ ?r ?p ?o BIND(?r AS ?s) }} UNION {{ ?r <{PROV}used>|<{PROV}generated> ?s . ?s ?p ?o }} }} }}""",
        trusted=True,
    )
