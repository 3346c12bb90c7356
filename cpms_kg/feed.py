"""The change feed: what changed in the public data, oldest first, for harvesters that poll with `since`.

Derived from records the platform already keeps, nothing new is written:
- the audit trail (private; read trusted, and only public-safe fields leave: never the account, the role,
  the token or the before/after notes): standard versions published, promoted, superseded, retired or
  imported from a package; datasets shared, re-shared (updated) and withdrawn; data IP registrations.
  Withdrawals are only there: unsharing drops a dataset's public graphs, so the public data cannot say so;
- the public data, for what was published without an audited write (the demo standards loaded at init, a
  standard loaded as a file, a catalogue entry written by a script): a published version at its
  dcterms:issued time, a catalogue entry at its dcterms:modified time.

Entries are ordered by (time, id); `since` is exclusive; a page ends with a cursor for the next page, and
the last page gives `next_since`, the `since` of the next poll. Titles and links describe the public data as
it is when asked (a withdrawn dataset has neither title nor data link any more), so nothing private leaks
through an old entry.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from cpms_kg.errors import BadInput
from cpms_kg.iris import graph_path
from cpms_kg.namespaces import CPMS, DCTERMS, RDFS
from cpms_kg.standards.lifecycle import IMMUTABLE
from cpms_kg.standards.model import Status
from cpms_kg.standards.rdf import list_standards
from cpms_kg.store.base import Store
from cpms_kg.terms import value
from cpms_kg.workflow import audit

MAX_LIMIT = 1000
_C = str(CPMS)
_PUBLIC = {s.value for s in IMMUTABLE}
_STATUS_KIND = {
    Status.PUBLISHED_PROVINCIAL.value: "standard.published",
    Status.PUBLISHED_NATIONAL.value: "standard.promoted",
    Status.RECOMMENDED.value: "standard.promoted",
    Status.SUPERSEDED.value: "standard.superseded",
    Status.RETIRED.value: "standard.retired",
}
KINDS = (
    "standard.published",
    "standard.promoted",
    "standard.superseded",
    "standard.retired",
    "standard.imported",
    "dataset.shared",
    "dataset.updated",
    "dataset.withdrawn",
    "dataip.registered",
)


@dataclass(frozen=True)
class Change:
    id: str
    time: datetime
    kind: str
    iri: str
    title_zh: str | None = None
    title_en: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    """rel -> absolute IRI, or a path on this service (starting with /)."""

    @property
    def stamp(self) -> str:
        return iso(self.time)

    def as_json(self) -> dict[str, object]:
        title = {"zh": self.title_zh, "en": self.title_en} if self.title_zh or self.title_en else None
        return {
            "id": self.id,
            "time": self.stamp,
            "kind": self.kind,
            "iri": self.iri,
            "title": title,
            "links": self.links,
        }


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    cursor: str | None
    """For the next page; None on the last page."""
    next_since: str | None
    """On the last page: the `since` for the next poll (the newest time seen, or the `since` given)."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_since(text: str) -> datetime:
    """An ISO-8601 date or date-time; without a zone it is UTC. BadInput (400) otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            f"since={text!r} is not an ISO-8601 date or date-time (e.g. 2025-07-01T08:00:00Z)",
            message_zh=f"since={text!r} 不是 ISO-8601 日期或时间（例如 2025-07-01T08:00:00Z）",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cursor(change: Change) -> str:
    return base64.urlsafe_b64encode(f"{change.stamp}|{change.id}".encode()).decode().rstrip("=")


def _after(cursor: str) -> tuple[datetime, str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, ident = text.partition("|")
        return parse_since(stamp), ident
    except (binascii.Error, UnicodeDecodeError, ValueError, BadInput):
        raise BadInput(
            "cursor is not one this feed gave out", message_zh="cursor 无效（须使用本接口返回的值）"
        ) from None


def _ident(store: Store, source: str) -> str:
    return f"{store.base_iri}change/{hashlib.sha256(source.encode()).hexdigest()[:24]}"


def _note(text: str | None, key: str) -> str:
    """`status=published-provincial; ...` -> published-provincial for key "status"."""
    for part in (text or "").split(";"):
        name, _, found = part.strip().partition("=")
        if name == key:
            return found.strip()
    return ""


def _kind(record: audit.AuditRecord) -> str | None:
    action, status = record.action, _note(record.after, "status")
    if action in ("standard.publish", "standard.status", "standard.promote", "standard.import"):
        return _STATUS_KIND.get(status)
    if action == "package.import":
        return "standard.imported" if status in _PUBLIC else None
    if action == "dataset.share":
        return "dataset.updated" if record.before == "shared" else "dataset.shared"
    return {"dataset.unshare": "dataset.withdrawn", "dataip.register": "dataip.registered"}.get(action)


def _audited(store: Store) -> list[Change]:
    out = []
    for record in audit.records(store):
        kind = _kind(record)
        if kind is not None:
            out.append(Change(_ident(store, record.iri), parse_since(record.time), kind, record.target))
    return out


def _unaudited(store: Store, audited: list[Change]) -> list[Change]:
    """Public versions and catalogue entries whose publication no audit record covers, at their own time."""
    # A standard's publication is covered only by a record of it (a later promotion keeps its issue date).
    # A catalogue entry by any record: its dcterms:modified moves on every share, so an unaudited first share
    # re-shared since would otherwise come back at the new time.
    seen = {("standard", c.iri) for c in audited if c.kind in ("standard.published", "standard.imported")}
    seen |= {("dataset", c.iri) for c in audited if c.kind.startswith("dataset.")}
    versions = {v.iri for s in list_standards(store) for v in s.versions if v.status in IMMUTABLE}
    rows = store.select(
        f"""SELECT ?s ?kind ?when WHERE {{
              {{ ?s <{DCTERMS.issued}> ?when BIND("standard" AS ?kind) }}
              UNION {{ ?s a <{_C}CatalogueEntry> ; <{DCTERMS.modified}> ?when BIND("dataset" AS ?kind) }} }}"""
    )
    times: dict[tuple[str, str], datetime] = {}
    for row in rows:
        key = (value(row["kind"]), value(row["s"]))
        if key in seen or (key[0] == "standard" and key[1] not in versions):
            continue
        try:
            moment = parse_since(value(row["when"]))
        except BadInput:
            continue
        times[key] = max(times.get(key, moment), moment)
    kinds = {"standard": "standard.published", "dataset": "dataset.shared"}
    return [Change(_ident(store, f"{k}|{iri}"), t, kinds[k], iri) for (k, iri), t in times.items()]


def _describe(store: Store, changes: list[Change]) -> list[Change]:
    """Titles and links from the public data, for the page only."""
    if not changes:
        return []
    base = store.base_iri
    iris = " ".join(f"<{c.iri}>" for c in {c.iri: c for c in changes}.values())
    titles: dict[tuple[str, str], str] = {}
    for row in store.select(
        f"""SELECT ?s ?p ?t WHERE {{ VALUES ?s {{ {iris} }} VALUES ?p {{ <{DCTERMS.title}> <{RDFS.label}> }}
              ?s ?p ?t FILTER(LANGMATCHES(LANG(?t), "zh") || LANGMATCHES(LANG(?t), "en")) }}"""
    ):
        lang = "zh" if (getattr(row["t"], "language", None) or "").startswith("zh") else "en"
        key = (value(row["s"]), lang)
        if key not in titles or value(row["p"]) == str(DCTERMS.title):
            titles[key] = value(row["t"])
    versions = {
        value(r["v"]): (value(r["id"]), value(r["number"]))
        for r in store.select(
            f"""SELECT ?v ?id ?number WHERE {{ VALUES ?v {{ {iris} }}
                  ?v <{_C}versionOf> ?std ; <{_C}versionNumber> ?number . ?std <{DCTERMS.identifier}> ?id }}"""
        )
    }
    public = set(store.public_graphs())
    return [
        Change(
            c.id,
            c.time,
            c.kind,
            c.iri,
            titles.get((c.iri, "zh")),
            titles.get((c.iri, "en")),
            _links(base, c, versions, public),
        )
        for c in changes
    ]


def _links(base: str, change: Change, versions: dict[str, tuple[str, str]], public: set[str]) -> dict[str, str]:
    links = {"self": change.iri}
    if change.iri.startswith(base):
        links["page"] = "/id/" + change.iri[len(base) :]
    if change.kind.startswith("standard.") and change.iri in versions:
        standard_id, version = versions[change.iri]
        api = f"/api/standards/{quote(standard_id, safe='')}/versions/{quote(version, safe='')}"
        links |= {"version": api, "package": api + "/package", "shapes": api + "/shapes"}
    elif change.kind.startswith("dataset.") and change.iri.startswith(base + "dataset/"):
        firm, _, dataset = change.iri[len(base + "dataset/") :].partition("/")
        for rel, kind in (("data", "warehouse"), ("entry", "catalogue")):
            graph = base + graph_path(kind, unquote(firm), unquote(dataset))
            if graph in public:
                links[rel] = "/graph-store?graph=" + quote(graph, safe="")
    elif change.kind == "dataip.registered":
        number = change.iri.rsplit("/", 1)[-1]
        links |= {"registration": f"/api/dataip/{number}", "verify": f"/api/dataip/{number}/verify"}
    return links


def changes(store: Store, *, since: datetime | None = None, limit: int = 100, cursor: str | None = None) -> Page:
    """One page of the feed: entries after `since` (exclusive) or after the cursor's entry, oldest first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise BadInput(f"limit must be 1 to {MAX_LIMIT}", message_zh=f"limit 须在 1 到 {MAX_LIMIT} 之间")
    audited = _audited(store)
    every = sorted([*audited, *_unaudited(store, audited)], key=lambda c: (c.time, c.id))
    if cursor is not None:
        after = _after(cursor)
        every = [c for c in every if (c.time, c.id) > after]
        since = after[0]
    elif since is not None:
        every = [c for c in every if c.time > since]
    page, more = every[:limit], len(every) > limit
    newest = iso(page[-1].time) if page else (iso(since) if since is not None else None)
    return Page(_describe(store, page), _cursor(page[-1]) if more else None, None if more else newest)


def to_atom(page: Page, *, feed_id: str, self_url: str, next_url: str | None, root: str) -> bytes:
    """The page as an Atom feed (RFC 4287); paths in links are made absolute against `root`."""
    atom = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", atom)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{atom}}}{tag}", attrs)
        node.text = text
        return node

    feed = ET.Element(f"{{{atom}}}feed")
    el(feed, "id", feed_id)
    el(feed, "title", "cpms-kg 公开数据变更 · changes to public data")
    updated = page.changes[-1].stamp if page.changes else (page.next_since or "1970-01-01T00:00:00.000000Z")
    el(feed, "updated", updated)
    el(el(feed, "author"), "name", "cpms-kg")
    el(feed, "link", rel="self", href=self_url)
    if next_url is not None:
        el(feed, "link", rel="next", href=next_url)
    for change in page.changes:
        entry = el(feed, "entry")
        el(entry, "id", change.id)
        names = " · ".join(t for t in (change.title_zh, change.title_en) if t)
        el(entry, "title", f"{change.kind}: {names or change.iri}")
        el(entry, "updated", change.stamp)
        el(entry, "category", term=change.kind)
        for rel, href in change.links.items():
            target = root + href if href.startswith("/") else href
            # Atom knows "alternate" and "related"; the feed's own relation names go in the title.
            el(entry, "link", rel="alternate" if rel == "self" else "related", title=rel, href=target)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
