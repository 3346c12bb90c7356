"""Data IP registration (数据知识产权登记): a public record binding a shared dataset to its content hash.

A registration names the registrant (the firm), the dataset, the registration number the authority
issued (given by the caller, unique here), the authority, the date, a licence as an ODRL offer, and the
SHA-256 of the dataset's canonical form. It is public: `{base}dataip/{number}`, in its own graph
`{base}graph/dataip/{number}`, typed cpms:DataIPRegistration.

What is hashed (hash algorithm "RDFC-1.0/SHA-256")
------------------------------------------------
The content of a dataset is the set of triples its firm committed, products plus the dataset description
made at commit (cpms_kg.conformance.datasets.commit), as sharing publishes them in the public graph
`{base}graph/warehouse/{firm}/{dataset}`: the private graph `{base}graph/private/firm/{firm}/{dataset}` plus
its schema.org description (cpms_kg.schemaorg), derived deterministically with IRIs only. The share-time
catalogue entry (industry catalogue, licence, dcterms:modified, distribution) sits in
`{base}graph/catalogue/{firm}/{dataset}` and is not part of the content, so re-sharing leaves the hash
unchanged. Registration and verification read the public copy: what anyone can download (Graph Store
Protocol, `/id/...`, SPARQL) is what they can check.

1. Put the triples, as a set, in the default graph of an RDF dataset: graph names play no part (for a
   file in a quad syntax, the graphs it names are merged).
2. Relabel the blank nodes with W3C RDF Dataset Canonicalization (RDFC-1.0, SHA-256), as pyoxigraph's
   `Dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)` does.
3. Serialise each quad as one canonical N-Quads line ending in LF, sort the lines by code point, join.
4. SHA-256 of those UTF-8 bytes, in lower-case hexadecimal.

So the hash depends on neither the syntax (Turtle, N-Triples, JSON-LD, RDF/XML, ...), nor the order of
triples, nor blank node labels, while any changed IRI or literal (value, datatype or language) changes it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from cpms_kg.accounts import User
from cpms_kg.conformance import datasets
from cpms_kg.errors import BadInput, CpmsError, NotFound
from cpms_kg.iris import firm_iri, graph_path, segment
from cpms_kg.namespaces import CPMS, DCTERMS, ORG, RDF, RDFS
from cpms_kg.rdfio import iter_quads, source_from_path
from cpms_kg.store.base import LoadSource, Store
from cpms_kg.terms import day, n, ntriples, value

ALGORITHM = "RDFC-1.0/SHA-256"
ODRL = "http://www.w3.org/ns/odrl/2/"
_C = str(CPMS)
# One check-then-write at a time, so two requests cannot both take the same number.
_REGISTERING = threading.Lock()


class RegistrationConflict(CpmsError):
    """The state forbids the registration: the number is taken, or the dataset is not shared."""

    status = 409
    code = "conflict"


def canonical_nquads(triples: Iterable[ox.Triple]) -> bytes:
    """The canonical form the hash is taken of: RDFC-1.0 blank node labels, sorted N-Quads lines."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    text = (ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    return "".join(sorted(line + "\n" for line in text.splitlines())).encode("utf-8")


def content_hash(triples: Iterable[ox.Triple]) -> str:
    return hashlib.sha256(canonical_nquads(triples)).hexdigest()


def file_triples(path: Path) -> list[ox.Triple]:
    """The triples of an RDF file in any syntax the extension names (graph names dropped)."""
    source = source_from_path(path, base_iri=path.resolve().as_uri())
    return [q.triple for q in iter_quads(source, graph_name="")]


def shared_content(store: Store, firm: str, dataset: str) -> list[ox.Triple] | None:
    """The public copy of a shared dataset's content; None when it is not shared."""
    if not datasets.is_shared(store, firm, dataset):
        return None
    return store.graph_triples(datasets.public_graph(store.base_iri, firm, dataset))


def registration_iri(base: str, number: str) -> str:
    return f"{base}dataip/{segment(number)}"


def registration_graph(base: str, number: str) -> str:
    return base + graph_path("dataip", number)


@dataclass(frozen=True)
class Registration:
    number: str
    iri: str
    firm: str
    dataset: str
    dataset_iri: str
    registrant: str
    authority: str
    date: str
    content_hash: str
    algorithm: str
    policy: str
    licence: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "iri": self.iri,
            "registrant": {"firm": self.firm, "iri": self.registrant},
            "dataset": {"firm": self.firm, "id": self.dataset, "iri": self.dataset_iri},
            "authority": self.authority,
            "date": self.date,
            "content_hash": self.content_hash,
            "hash_algorithm": self.algorithm,
            "licence": {
                "policy": self.policy,
                "type": ODRL + "Offer",
                "licence_document": self.licence,
                "assigner": self.registrant,
                "target": self.dataset_iri,
                "action": ODRL + "use",
            },
        }


def _number(text: str) -> str:
    number = text.strip()
    if not number or len(number) > 128 or "/" in number or any(ord(c) < 32 or c == "\x7f" for c in number):
        raise BadInput(
            "the registration number must be 1 to 128 characters, without '/' or control characters",
            message_zh="登记号须为 1 至 128 个字符，不含 '/' 或控制字符",
        )
    return number


def _date(text: str | date) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            f"the registration date {text!r} is not an ISO date (YYYY-MM-DD)",
            message_zh=f"登记日期 {text!r} 不是 ISO 日期（YYYY-MM-DD）",
        ) from None


def _record(
    base: str, number: str, firm: str, dataset: str, authority: str, when: date, digest: str, licence: str
) -> list[ox.Triple]:
    node = n(registration_iri(base, number))
    firm_node = n(firm_iri(base, firm))
    target = n(datasets.dataset_iri(base, firm, dataset))
    body = n(node.value + "/authority")
    policy = n(node.value + "/licence")
    permission = n(policy.value + "/permission")
    return [
        ox.Triple(node, n(str(RDF.type)), n(_C + "DataIPRegistration")),
        ox.Triple(node, n(str(RDFS.label)), ox.Literal(f"数据知识产权登记 {number}", language="zh")),
        ox.Triple(node, n(str(RDFS.label)), ox.Literal(f"Data IP registration {number}", language="en")),
        ox.Triple(node, n(_C + "registrationNumber"), ox.Literal(number)),
        ox.Triple(node, n(_C + "registrant"), firm_node),
        ox.Triple(node, n(_C + "registeredDataset"), target),
        ox.Triple(node, n(_C + "registrationAuthority"), body),
        ox.Triple(node, n(_C + "contentHash"), ox.Literal(digest)),
        ox.Triple(node, n(_C + "hashAlgorithm"), ox.Literal(ALGORITHM)),
        ox.Triple(node, n(_C + "registrationDate"), day(when)),
        ox.Triple(node, n(str(DCTERMS.license)), policy),
        # The authority is known by name only: a node of its own keeps registrationAuthority an object property.
        ox.Triple(body, n(str(RDF.type)), n(str(ORG.Organization))),
        ox.Triple(body, n(str(RDFS.label)), ox.Literal(authority)),
        # The licence as an ODRL offer from the firm for the dataset; the licence text it expresses is linked.
        ox.Triple(policy, n(str(RDF.type)), n(ODRL + "Offer")),
        ox.Triple(policy, n(str(RDF.type)), n(ODRL + "Policy")),
        ox.Triple(policy, n(ODRL + "uid"), policy),
        ox.Triple(policy, n(ODRL + "assigner"), firm_node),
        ox.Triple(policy, n(ODRL + "target"), target),
        ox.Triple(policy, n(ODRL + "permission"), permission),
        ox.Triple(policy, n(_C + "licenceDocument"), n(licence)),
        ox.Triple(permission, n(str(RDF.type)), n(ODRL + "Permission")),
        ox.Triple(permission, n(ODRL + "action"), n(ODRL + "use")),
        ox.Triple(permission, n(ODRL + "assigner"), firm_node),
        ox.Triple(permission, n(ODRL + "target"), target),
    ]


def register(
    store: Store,
    user: User,
    *,
    firm: str,
    dataset: str,
    number: str,
    authority: str,
    when: str | date,
    licence: str | None = None,
) -> Registration:
    """Records a registration of a shared dataset; `licence` defaults to the one it is shared under."""
    number = _number(number)
    authority = authority.strip()
    if not authority:
        raise BadInput("give the registration authority", message_zh="请填写登记机构")
    registered_on = _date(when)
    chosen = datasets.licence_iri(licence) if licence else None
    datasets.acting_role(user, firm)
    base = store.base_iri
    if not datasets.is_committed(store, firm, dataset):
        raise NotFound(
            f"firm {firm} has no committed dataset {dataset}", message_zh=f"企业 {firm} 没有已提交的数据集 {dataset}"
        )
    with _REGISTERING:
        content = shared_content(store, firm, dataset)
        if content is None:
            raise RegistrationConflict(
                f"dataset {dataset} of firm {firm} is not shared: only a shared dataset can be registered",
                message_zh=f"企业 {firm} 的数据集 {dataset} 未共享：只有已共享的数据集才能登记",
            )
        graph = registration_graph(base, number)
        if graph in store.named_graphs():
            raise RegistrationConflict(
                f"registration number {number} is already recorded", message_zh=f"登记号 {number} 已有登记记录"
            )
        chosen = chosen or datasets.current_licence(store, firm, dataset) or datasets.DEFAULT_LICENCE
        triples = _record(base, number, firm, dataset, authority, registered_on, content_hash(content), chosen)
        store.replace_graph(
            graph, LoadSource(name=number, format=ox.RdfFormat.N_TRIPLES, data=ntriples(triples), graph=graph)
        )
    return find(store, number)


def find(store: Store, number: str) -> Registration:
    number = number.strip()
    graph = registration_graph(store.base_iri, number)
    if not number or graph not in store.named_graphs():
        raise NotFound(f"no data IP registration {number}", message_zh=f"没有登记号为 {number} 的数据知识产权登记")
    facts: dict[tuple[str, str], str] = {}
    for t in store.graph_triples(graph):
        facts.setdefault((value(t.subject), t.predicate.value), value(t.object))
    node = registration_iri(store.base_iri, number)

    def get(predicate: str, subject: str = node) -> str:
        return facts.get((subject, predicate), "")

    dataset_node = get(_C + "registeredDataset")
    firm, dataset = (unquote(p) for p in dataset_node.rsplit("/", 2)[1:])
    policy = get(str(DCTERMS.license))
    return Registration(
        number=get(_C + "registrationNumber") or number,
        iri=node,
        firm=firm,
        dataset=dataset,
        dataset_iri=dataset_node,
        registrant=get(_C + "registrant"),
        authority=get(str(RDFS.label), get(_C + "registrationAuthority")),
        date=get(_C + "registrationDate"),
        content_hash=get(_C + "contentHash"),
        algorithm=get(_C + "hashAlgorithm"),
        policy=policy,
        licence=get(_C + "licenceDocument", policy) or None,
    )


@dataclass(frozen=True)
class Verification:
    registration: Registration
    store_hash: str | None
    """The hash of the shared dataset now in the store; None when it is not shared."""
    file: str | None = None
    file_hash: str | None = None

    @property
    def match(self) -> bool:
        """With a file: the file matches, and so does the store copy when there is one; else the store copy."""
        expected = self.registration.content_hash
        if self.file_hash is not None:
            return self.file_hash == expected and self.store_hash in (None, expected)
        return self.store_hash == expected

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "number": self.registration.number,
            "registration": self.registration.iri,
            "dataset": self.registration.dataset_iri,
            "hash_algorithm": self.registration.algorithm,
            "registered_hash": self.registration.content_hash,
            "shared": self.store_hash is not None,
            "current_hash": self.store_hash,
            "match": self.match,
        }
        if self.file is not None:
            out["file"] = self.file
            out["file_hash"] = self.file_hash
        out["message"], out["message_zh"] = self._verdict()
        return out

    def _verdict(self) -> tuple[str, str]:
        expected = self.registration.content_hash
        if self.match:
            return "the dataset matches its registration", "数据集与登记一致"
        if self.store_hash is None and self.file_hash is None:
            return "the dataset is not shared now, so it cannot be checked", "数据集当前未共享，无法核验"
        en, zh = [], []
        if self.file_hash is not None and self.file_hash != expected:
            en.append("the file's content differs from the registered dataset")
            zh.append("文件内容与登记的数据集不同")
        if self.store_hash is not None and self.store_hash != expected:
            en.append("the shared dataset has changed since it was registered")
            zh.append("已共享的数据集自登记以来已改变")
        return "does NOT match: " + "; ".join(en), "不一致：" + "；".join(zh)


def verify(store: Store, number: str, data: Path | None = None) -> Verification:
    """Recomputes the hash of the shared dataset (and of `data`, an RDF file) and compares."""
    registration = find(store, number)
    if registration.algorithm != ALGORITHM:
        raise BadInput(
            f"registration {number} uses hash algorithm {registration.algorithm!r}, not {ALGORITHM}",
            message_zh=f"登记 {number} 使用的哈希算法为 {registration.algorithm!r}，不是 {ALGORITHM}",
        )
    content = shared_content(store, registration.firm, registration.dataset)
    file_hash = content_hash(file_triples(data)) if data is not None else None
    return Verification(
        registration,
        content_hash(content) if content is not None else None,
        str(data) if data is not None else None,
        file_hash,
    )
