"""A pilot's live target sheet and its acceptance-readiness report, computed by SPARQL over the graph.

Each target counts distinct things linked to the pilot (trusted reads: pilot and group data are
private); the guide minimum comes from `cpms:guideMinimum` on the metric in the ontology:
- experts: members (org:memberOf) of the pilot's expert group typed cpms:Expert;
- firms: the pilot firms; scenarios: application scenarios for the pilot;
- data IP registrations: registrations of datasets published (dcterms:publisher) by pilot firms;
- catalogue entries and data items: catalogue entries shared by pilot firms that conform to a
  version of the pilot's standard, and their data items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cpms_kg.errors import CpmsError
from cpms_kg.namespaces import CPMS, DCTERMS, ORG, SKOS
from cpms_kg.store.base import Store
from cpms_kg.terms import value
from cpms_kg.workflow.pilots import Names, pilot_iri, read

_C, _D = str(CPMS), str(DCTERMS)
ENDING_SOON = timedelta(days=90)
"""Acceptance is prepared before the end: a period ending within this counts as "ended or ending"."""
PUBLISHED = ("PublishedProvincial", "RecommendedNational", "PublishedNational")

# Metric (local name in the ontology) -> graph pattern binding ?x to each counted thing for <$P>.
_COUNTS: dict[str, str] = {
    "ExpertCount": f"<$P> <{_C}expertGroup> ?g . ?x <{ORG}memberOf> ?g ; a <{_C}Expert> .",
    "PilotFirmCount": f"<$P> <{_C}pilotFirm> ?x .",
    "ApplicationScenarioCount": f"?x a <{_C}ApplicationScenario> ; <{_C}forPilot> <$P> .",
    "DataIPRegistrationCount": f"""<$P> <{_C}pilotFirm> ?f . ?d <{_D}publisher> ?f .
        ?x a <{_C}DataIPRegistration> ; <{_C}registeredDataset> ?d .""",
    "CatalogueEntryCount": f"""<$P> <{_C}pilotFirm> ?f ; <{_C}pilotStandard> ?s . ?s <{_C}hasVersion> ?v .
        ?x a <{_C}CatalogueEntry> ; <{_D}publisher> ?f ; <{_D}conformsTo> ?v .""",
    "DataItemCount": f"""<$P> <{_C}pilotFirm> ?f ; <{_C}pilotStandard> ?s . ?s <{_C}hasVersion> ?v .
        ?d a <{_C}CatalogueEntry> ; <{_D}publisher> ?f ; <{_D}conformsTo> ?v ; <{_C}hasDataItem> ?x .
        ?x a <{_C}DataItem> .""",
}


@dataclass(frozen=True)
class Metric:
    iri: str
    code: str
    label: Names
    minimum: int


@dataclass(frozen=True)
class TargetRow:
    metric: Metric
    value: int
    evidence: tuple[str, ...]

    @property
    def met(self) -> bool:
        return self.value >= self.metric.minimum

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric.code,
            "metric_iri": self.metric.iri,
            "label": {"zh": self.metric.label.zh, "en": self.metric.label.en},
            "value": self.value,
            "guide_minimum": self.metric.minimum,
            "met": self.met,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class TargetSheet:
    pilot: str
    rows: tuple[TargetRow, ...]

    @property
    def all_met(self) -> bool:
        return all(r.met for r in self.rows)

    def row(self, code: str) -> TargetRow:
        return next(r for r in self.rows if r.metric.code == code)

    def as_json(self) -> dict[str, Any]:
        return {"pilot": self.pilot, "all_met": self.all_met, "targets": [r.as_json() for r in self.rows]}


def metrics(store: Store) -> list[Metric]:
    """The guide's metrics with their minimums and labels, read from the ontology in the store."""
    rows = store.select(
        f"""SELECT ?m ?code ?min ?zh ?en WHERE {{
              ?m a <{_C}PilotMetric> ; <{SKOS}notation> ?code ; <{_C}guideMinimum> ?min ;
                 <{SKOS}prefLabel> ?zh , ?en .
              FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") }}"""
    )
    found = {
        value(r["m"]).rsplit("#", 1)[-1]: Metric(
            value(r["m"]), value(r["code"]), Names(value(r["zh"]), value(r["en"])), int(value(r["min"]))
        )
        for r in rows
    }
    missing = sorted(set(_COUNTS) - set(found))
    if missing:
        raise CpmsError(
            f"the store has no guide minimum for {', '.join(missing)}: is the ontology loaded (cpms-kg init)?",
            message_zh=f"存储中没有 {'、'.join(missing)} 的指南最低要求：本体是否已加载（cpms-kg init）？",
        )
    return [found[name] for name in _COUNTS]


def target_sheet(store: Store, pilot_id: str) -> TargetSheet:
    iri = read(store, pilot_id).iri  # NotFound for an unknown pilot
    rows = []
    for metric in metrics(store):
        pattern = _COUNTS[metric.iri.rsplit("#", 1)[-1]].replace("$P", iri)
        found = store.select(f"SELECT DISTINCT ?x WHERE {{ {pattern} }} ORDER BY ?x", trusted=True)
        evidence = tuple(value(r["x"]) for r in found)
        rows.append(TargetRow(metric, len(evidence), evidence))
    return TargetSheet(iri, tuple(rows))


# -- acceptance readiness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Names
    met: bool
    value: str
    evidence: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "criterion": self.code,
            "label": {"zh": self.label.zh, "en": self.label.en},
            "status": "met" if self.met else "not met",
            "met": self.met,
            "value": self.value,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class Readiness:
    pilot: str
    on: date
    criteria: tuple[Criterion, ...]

    @property
    def ready(self) -> bool:
        return all(c.met for c in self.criteria)

    def text(self, lang: str) -> str:
        """The report as plain text in "zh" or "en", one line per criterion."""
        on, marks = self.on.isoformat(), ["✓" if c.met else "✗" for c in self.criteria]
        if lang == "zh":
            head = f"试点 {self.pilot} 验收准备情况（{on}）：{'具备' if self.ready else '尚不具备'}验收条件"
            lines = [
                f"{m} {c.label.zh}：{c.value}（{'已达到' if c.met else '未达到'}）"
                for m, c in zip(marks, self.criteria, strict=True)
            ]
        else:
            head = f"Acceptance readiness of pilot {self.pilot} on {on}: {'ready' if self.ready else 'not ready'}"
            lines = [
                f"{m} {c.label.en}: {c.value} ({'met' if c.met else 'not met'})"
                for m, c in zip(marks, self.criteria, strict=True)
            ]
        return "\n".join([head, *lines])

    def as_json(self) -> dict[str, Any]:
        return {
            "pilot": self.pilot,
            "date": self.on.isoformat(),
            "ready": self.ready,
            "criteria": [c.as_json() for c in self.criteria],
            "text_zh": self.text("zh"),
            "text_en": self.text("en"),
        }


def _published_versions(store: Store, pilot: str) -> tuple[str, ...]:
    statuses = " ".join(f"<{_C}{s}>" for s in PUBLISHED)
    rows = store.select(
        f"""SELECT DISTINCT ?v WHERE {{ <{pilot}> <{_C}pilotStandard> ?s . ?s <{_C}hasVersion> ?v .
              ?v <{_C}status> ?status . VALUES ?status {{ {statuses} }} }} ORDER BY ?v""",
        trusted=True,
    )
    return tuple(value(r["v"]) for r in rows)


def pending_approvals(store: Store, pilot: str) -> tuple[str, ...]:
    rows = store.select(
        f"""SELECT DISTINCT ?c WHERE {{ ?c a <{_C}ApprovalChange> ; <{_C}forPilot> <{pilot}> ;
              <{_C}changeStatus> <{_C}ChangePending> }} ORDER BY ?c""",
        trusted=True,
    )
    return tuple(value(r["c"]) for r in rows)


def readiness(store: Store, pilot_id: str, *, on: date | None = None) -> Readiness:
    """The six targets, the standard published, the period ended or ending, no approval pending."""
    on = on or date.today()
    pilot = read(store, pilot_id)
    sheet = target_sheet(store, pilot_id)
    criteria = [
        Criterion(r.metric.code, r.metric.label, r.met, f"{r.value} / {r.metric.minimum}", r.evidence)
        for r in sheet.rows
    ]
    published = _published_versions(store, pilot.iri)
    criteria.append(
        Criterion(
            "standard-published",
            Names("标准已发布", "standard published"),
            bool(published),
            f"{pilot.standard}: {len(published)}",
            published,
        )
    )
    criteria.append(
        Criterion(
            "period-ended",
            Names("试点期已满或即将期满（90 天内）", "pilot period ended or ending (within 90 days)"),
            pilot.end <= on + ENDING_SOON,
            pilot.end.isoformat(),
            (pilot_iri(store.base_iri, pilot_id),),
        )
    )
    pending = pending_approvals(store, pilot.iri)
    criteria.append(
        Criterion(
            "no-pending-approvals",
            Names("无待审批的变更申请", "no change request pending approval"),
            not pending,
            str(len(pending)),
            pending,
        )
    )
    return Readiness(pilot_id, on, tuple(criteria))
