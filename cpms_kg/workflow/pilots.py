"""Pilots (试点): the record, its firms and application scenarios, stored once eligible.

A pilot lives in the private graph `{base}graph/private/pilot/{id}` (pilot data is for the bureaus):

    <{base}pilot/{id}> a cpms:Pilot ; dcterms:identifier "{id}" ; rdfs:label "试点 {id}"@zh, "pilot {id}"@en ;
        cpms:regionCode "330782" ;                        # the county, GB/T 2260
        cpms:industry <{base}classification/cpc21/4331> ; # level 3 or 4 of the national classification
        cpms:pilotYear "2025"^^xsd:gYear ; cpms:industryOutput "12000000000"^^xsd:decimal ;
        cpms:mountainOrIslandCounty false ;
        prov:startedAtTime "2025-01-01T00:00:00+08:00"^^xsd:dateTime ;   # first day, China time
        prov:endedAtTime "2027-12-31T23:59:59+08:00"^^xsd:dateTime ;     # last day; extensions move it
        cpms:expertGroup <{base}group/{group}> ; cpms:pilotStandard <{base}standard/{standard}> ;
        cpms:pilotFirm <{base}firm/{firm}> .
    <{base}firm/{firm}> a cpms:Firm .
    <{base}pilot/{id}/scenario/{s}> a cpms:ApplicationScenario ; cpms:forPilot <pilot> ;
        dcterms:identifier "{s}" ; skos:prefLabel "…"@zh, "…"@en ; cpms:scenarioFirm <{base}firm/{firm}> .

Change requests and acceptance reviews are added to the same graph (see changes.py).

Eligibility, the guide's rules as SHACL shapes, is checked in pilot_shapes.py.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from cpms_kg.errors import Conflict, NotFound, Problem, RuleBreach
from cpms_kg.iris import concept_path, firm_iri, graph_path, last_segment, segment
from cpms_kg.namespaces import CPMS, DCTERMS, PROV, RDF, RDFS, SKOS
from cpms_kg.standards.model import standard_path
from cpms_kg.standards.quality import context
from cpms_kg.store.base import LoadSource, Store
from cpms_kg.terms import n, ntriples, typed, value
from cpms_kg.workflow.pilot_shapes import recorded_pilots, validate

_C = str(CPMS)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TZ = "+08:00"  # pilot dates are days in China; times are written in China Standard Time

WRITE_LOCK = threading.Lock()
"""Pilot writes read, change and replace one small graph; one at a time keeps numbering and edits whole."""


Unprocessable = RuleBreach
"""The pilot workflow's former name for a broken rule of the guide (422): the shared RuleBreach."""


class Ineligible(RuleBreach):
    """A pilot or scenario that breaks eligibility rules of the guide; `problems` lists each breach."""

    code = "pilot_ineligible"


@dataclass(frozen=True)
class Names:
    zh: str
    en: str


@dataclass(frozen=True)
class ScenarioInput:
    id: str
    name: Names
    firms: tuple[str, ...] = ()


@dataclass(frozen=True)
class PilotInput:
    id: str
    county: str
    industry: str
    """A concept IRI, or `scheme:code` (cpc21:4331) for a concept under the base IRI."""
    year: int
    output: Decimal
    mountain_or_island: bool
    start: date
    end: date
    expert_group: str
    standard: str
    firms: tuple[str, ...] = ()
    scenarios: tuple[ScenarioInput, ...] = ()


@dataclass(frozen=True)
class Scenario:
    id: str
    iri: str
    name: Names
    firms: tuple[str, ...]


@dataclass(frozen=True)
class Pilot:
    id: str
    iri: str
    county: str
    industry: str
    year: int
    output: Decimal
    mountain_or_island: bool
    start: date
    end: date
    expert_group: str
    standard: str
    firms: tuple[str, ...]
    scenarios: tuple[Scenario, ...] = ()

    def as_json(self) -> dict[str, Any]:
        plain = ("id", "iri", "county", "industry", "year", "mountain_or_island", "expert_group", "standard")
        return {
            **{k: getattr(self, k) for k in plain},
            "industry_output": str(self.output),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "firms": list(self.firms),
            "scenarios": [
                {"id": s.id, "iri": s.iri, "name": {"zh": s.name.zh, "en": s.name.en}, "firms": list(s.firms)}
                for s in self.scenarios
            ],
        }


# -- IRIs ------------------------------------------------------------------------------------------


def pilot_iri(base: str, pilot_id: str) -> str:
    return f"{base}pilot/{segment(pilot_id)}"


def pilot_graph(base: str, pilot_id: str) -> str:
    return base + graph_path("private", "pilot", pilot_id)


def group_iri(base: str, group: str) -> str:
    return f"{base}group/{segment(group)}"


def scenario_iri(base: str, pilot_id: str, scenario: str) -> str:
    return f"{pilot_iri(base, pilot_id)}/scenario/{segment(scenario)}"


def industry_iri(base: str, industry: str) -> str:
    if "://" in industry:
        return industry
    scheme, _, code = industry.partition(":")
    return base + concept_path(scheme, code)


def start_time(day: date) -> ox.Literal:
    return typed(f"{day.isoformat()}T00:00:00{_TZ}", "dateTime")


def end_time(day: date) -> ox.Literal:
    return typed(f"{day.isoformat()}T23:59:59{_TZ}", "dateTime")


# -- checks ----------------------------------------------------------------------------------------


def check_ids(kind: str, kind_zh: str, ids: Iterable[str]) -> None:
    bad = [i for i in ids if not _ID.fullmatch(i)]
    if bad:
        raise RuleBreach(
            f"{kind} ids are letters, digits, '.', '_' or '-' (at most 64): {', '.join(map(repr, bad))}",
            message_zh=f"{kind_zh}标识只能含字母、数字、'.'、'_'、'-'，至多 64 个字符：{'、'.join(map(repr, bad))}",
        )


# -- writing ---------------------------------------------------------------------------------------


def _firm_triples(base: str, firms: Iterable[str]) -> list[ox.Triple]:
    return [ox.Triple(n(firm_iri(base, f)), n(str(RDF.type)), n(_C + "Firm")) for f in firms]


def scenario_triples(base: str, pilot_id: str, scenario: ScenarioInput) -> list[ox.Triple]:
    node = n(scenario_iri(base, pilot_id, scenario.id))
    out = [
        ox.Triple(node, n(str(RDF.type)), n(_C + "ApplicationScenario")),
        ox.Triple(node, n(_C + "forPilot"), n(pilot_iri(base, pilot_id))),
        ox.Triple(node, n(str(DCTERMS.identifier)), ox.Literal(scenario.id)),
        ox.Triple(node, n(str(SKOS.prefLabel)), ox.Literal(scenario.name.zh, language="zh")),
        ox.Triple(node, n(str(SKOS.prefLabel)), ox.Literal(scenario.name.en, language="en")),
    ]
    return out + [ox.Triple(node, n(_C + "scenarioFirm"), n(firm_iri(base, f))) for f in scenario.firms]


def pilot_triples(base: str, p: PilotInput) -> list[ox.Triple]:
    node = n(pilot_iri(base, p.id))

    def add(predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(node, n(predicate), obj)

    out = [
        add(str(RDF.type), n(_C + "Pilot")),
        add(str(DCTERMS.identifier), ox.Literal(p.id)),
        add(str(RDFS.label), ox.Literal(f"试点 {p.id}", language="zh")),
        add(str(RDFS.label), ox.Literal(f"pilot {p.id}", language="en")),
        add(_C + "regionCode", ox.Literal(p.county)),
        add(_C + "industry", n(industry_iri(base, p.industry))),
        add(_C + "pilotYear", typed(f"{p.year:04d}", "gYear")),
        add(_C + "industryOutput", typed(format(p.output, "f"), "decimal")),
        add(_C + "mountainOrIslandCounty", typed("true" if p.mountain_or_island else "false", "boolean")),
        add(str(PROV.startedAtTime), start_time(p.start)),
        add(str(PROV.endedAtTime), end_time(p.end)),
        add(_C + "expertGroup", n(group_iri(base, p.expert_group))),
        add(_C + "pilotStandard", n(base + standard_path(p.standard))),
    ]
    out += [add(_C + "pilotFirm", n(firm_iri(base, f))) for f in p.firms]
    out += _firm_triples(base, p.firms)
    for s in p.scenarios:
        out += scenario_triples(base, p.id, s)
    return out


def write_graph(store: Store, pilot_id: str, triples: Iterable[ox.Triple], *, replace: bool) -> None:
    graph = pilot_graph(store.base_iri, pilot_id)
    source = LoadSource(name=f"pilot {pilot_id}", format=ox.RdfFormat.N_TRIPLES, data=ntriples(triples), graph=graph)
    (store.replace_graph if replace else store.add_to_graph)(graph, source)


def pilot_data(store: Store, pilot_id: str) -> list[ox.Triple]:
    graph = pilot_graph(store.base_iri, pilot_id)
    if not _ID.fullmatch(pilot_id) or graph not in store.named_graphs():
        raise NotFound(f"no pilot {pilot_id!r}", message_zh=f"没有试点 {pilot_id!r}")
    return store.graph_triples(graph)


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise Ineligible(
            f"the pilot breaks {len(problems)} rule(s) of the pilot guide; nothing was stored",
            message_zh=f"试点申报不符合 {len(problems)} 项要求，未保存任何内容",
            problems=problems,
        )


def create(store: Store, p: PilotInput) -> Pilot:
    """Records a pilot after checking every eligibility rule; refused as a whole, listing each breach."""
    check_ids("pilot", "试点", [p.id])
    check_ids("expert group", "专家组", [p.expert_group])
    check_ids("standard", "标准", [p.standard])
    check_ids("firm", "企业", [*p.firms, *(f for s in p.scenarios for f in s.firms)])
    check_ids("scenario", "应用场景", [s.id for s in p.scenarios])
    if len({s.id for s in p.scenarios}) != len(p.scenarios):
        raise RuleBreach("two scenarios share an id", message_zh="两个应用场景的标识相同")
    base = store.base_iri
    with WRITE_LOCK:
        if pilot_graph(base, p.id) in store.named_graphs():
            raise Conflict(f"pilot {p.id} exists", message_zh=f"试点 {p.id} 已存在")
        triples = pilot_triples(base, p)
        data = triples + recorded_pilots(store, pilot_iri(base, p.id)) + context(store, triples)
        focus = [pilot_iri(base, p.id)] + [scenario_iri(base, p.id, s.id) for s in p.scenarios]
        _refuse(validate(data, focus))
        write_graph(store, p.id, triples, replace=True)
    return read(store, p.id)


def add_firms(store: Store, pilot_id: str, firms: list[str]) -> tuple[Pilot, list[str]]:
    """Adds pilot firms (existing ones are kept once); returns the pilot and the firms that were new."""
    check_ids("firm", "企业", firms)
    with WRITE_LOCK:
        current = set(read(store, pilot_id).firms)
        added = sorted(set(firms) - current)
        node = n(pilot_iri(store.base_iri, pilot_id))
        triples = [ox.Triple(node, n(_C + "pilotFirm"), n(firm_iri(store.base_iri, f))) for f in added]
        write_graph(store, pilot_id, triples + _firm_triples(store.base_iri, added), replace=False)
    return read(store, pilot_id), added


def add_scenarios(store: Store, pilot_id: str, scenarios: list[ScenarioInput]) -> Pilot:
    """Adds application scenarios; their firms must already be pilot firms (rule P22)."""
    check_ids("scenario", "应用场景", [s.id for s in scenarios])
    check_ids("firm", "企业", [f for s in scenarios for f in s.firms])
    base = store.base_iri
    with WRITE_LOCK:
        existing = pilot_data(store, pilot_id)
        ids, known = [s.id for s in scenarios], {s.id for s in parse(base, pilot_id, existing).scenarios}
        clash = sorted({i for i in ids if ids.count(i) > 1} | (set(ids) & known))
        if clash:
            raise Conflict(
                f"scenario ids already used: {', '.join(clash)}", message_zh=f"应用场景标识已被使用：{'、'.join(clash)}"
            )
        triples = [t for s in scenarios for t in scenario_triples(base, pilot_id, s)]
        _refuse(validate(existing + triples, [scenario_iri(base, pilot_id, s.id) for s in scenarios]))
        write_graph(store, pilot_id, triples, replace=False)
    return read(store, pilot_id)


# -- reading ---------------------------------------------------------------------------------------


def by_subject(triples: Iterable[ox.Triple]) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
    out: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
            out.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def first(record: dict[str, list[ox.NamedNode | ox.Literal]], predicate: str) -> str:
    values = record.get(predicate, [])
    return value(values[0]) if values else ""


def parse(base: str, pilot_id: str, triples: list[ox.Triple]) -> Pilot:
    records = by_subject(triples)
    iri = pilot_iri(base, pilot_id)
    r = records[iri]
    scenarios = []
    for s_iri, s in sorted(records.items()):
        if n(_C + "ApplicationScenario") not in s.get(str(RDF.type), []):
            continue
        labels = {o.language: o.value for o in s.get(str(SKOS.prefLabel), []) if isinstance(o, ox.Literal)}
        firms = tuple(sorted(last_segment(value(f)) for f in s.get(_C + "scenarioFirm", [])))
        scenarios.append(
            Scenario(first(s, str(DCTERMS.identifier)), s_iri, Names(labels.get("zh", ""), labels.get("en", "")), firms)
        )
    return Pilot(
        id=pilot_id,
        iri=iri,
        county=first(r, _C + "regionCode"),
        industry=first(r, _C + "industry"),
        year=int(first(r, _C + "pilotYear")),
        output=Decimal(first(r, _C + "industryOutput")),
        mountain_or_island=first(r, _C + "mountainOrIslandCounty") == "true",
        start=date.fromisoformat(first(r, str(PROV.startedAtTime))[:10]),
        end=date.fromisoformat(first(r, str(PROV.endedAtTime))[:10]),
        expert_group=last_segment(first(r, _C + "expertGroup")),
        standard=last_segment(first(r, _C + "pilotStandard")),
        firms=tuple(sorted(last_segment(value(f)) for f in r.get(_C + "pilotFirm", []))),
        scenarios=tuple(scenarios),
    )


def read(store: Store, pilot_id: str) -> Pilot:
    return parse(store.base_iri, pilot_id, pilot_data(store, pilot_id))


def pilot_ids(store: Store) -> list[str]:
    """Every pilot's id, sorted."""
    prefix = store.base_iri + graph_path("private", "pilot") + "/"
    return sorted(unquote(g[len(prefix) :]) for g in store.named_graphs() if g.startswith(prefix))


def list_pilots(store: Store) -> list[Pilot]:
    return [read(store, i) for i in pilot_ids(store)]
