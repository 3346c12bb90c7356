"""Accounts, roles and bearer tokens, kept in a private graph; tokens are stored only as hashes.

A token reads `cpms_<id>_<secret>`: the id finds the record, the secret's SHA-256 must match. The
admin token from settings (CPMS_KG_ADMIN_TOKEN) stays valid as the bootstrap administrator.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from urllib.parse import unquote

import pyoxigraph as ox

from cpms_kg.errors import BadInput, NotFound, UsageError
from cpms_kg.iris import firm_iri, graph_path, last_segment, segment
from cpms_kg.namespaces import CPMS, DCTERMS, RDF
from cpms_kg.store.base import PROTECTED_WRITES, LoadSource, Store

_C = str(CPMS)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TOKEN = re.compile(r"cpms_([0-9a-f]{16})_([A-Za-z0-9_-]{20,})")


class Role(Enum):
    ADMIN = "admin"
    PILOT_AUTHORITY = "pilot-authority"
    EXPERT = "expert"
    EXPERT_LEAD = "expert-lead"
    REGIONAL_REVIEWER = "regional-reviewer"
    FIRM_STEWARD = "firm-steward"

    @property
    def iri(self) -> str:
        return _C + "Role" + "".join(part.capitalize() for part in self.value.split("-"))


@dataclass(frozen=True)
class User:
    name: str
    roles: frozenset[Role]
    firm: str | None = None

    def has(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or any(r in self.roles for r in roles)


ADMIN = User("admin", frozenset({Role.ADMIN}))


def accounts_graph(base: str) -> str:
    return base + graph_path("private", "accounts")


def account_iri(base: str, name: str) -> str:
    return f"{base}account/{segment(name)}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _add(store: Store, triples: list[ox.Triple]) -> None:
    graph = accounts_graph(store.base_iri)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    with PROTECTED_WRITES:
        store.add_to_graph(graph, LoadSource(name="accounts", format=ox.RdfFormat.N_TRIPLES, data=data, graph=graph))


def _graph(store: Store) -> dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]]:
    """The accounts graph as subject -> predicate -> objects (small: read whole, outside the public policy)."""
    graph = accounts_graph(store.base_iri)
    if graph not in store.named_graphs():
        return {}
    out: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = {}
    for t in store.graph_triples(graph):
        if isinstance(t.subject, ox.NamedNode):
            out.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def find_user(store: Store, name: str) -> User | None:
    record = _graph(store).get(account_iri(store.base_iri, name))
    if record is None:
        return None
    by_iri = {r.iri: r for r in Role}
    roles = frozenset(
        by_iri[o.value] for o in record.get(_C + "hasRole", []) if isinstance(o, ox.NamedNode) and o.value in by_iri
    )
    firms = [o.value.rsplit("/", 1)[-1] for o in record.get(_C + "accountFirm", []) if isinstance(o, ox.NamedNode)]
    return User(name, roles, unquote(firms[0]) if firms else None)


def add_user(store: Store, name: str, roles: list[Role], *, firm: str | None = None) -> User:
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"account name {name!r}: letters, digits, '.', '_' or '-', at most 64",
            message_zh=f"账户名 {name!r} 只能含字母、数字、'.'、'_'、'-'，至多 64 个字符",
        )
    if not roles:
        raise UsageError("give at least one --role", message_zh="至少指定一个 --role")
    if Role.FIRM_STEWARD in roles and not firm:
        raise UsageError("a firm data steward needs --firm", message_zh="企业数据管理员须指定 --firm")
    if find_user(store, name) is not None:
        raise BadInput(f"account {name} exists", message_zh=f"账户 {name} 已存在")
    node = ox.NamedNode(account_iri(store.base_iri, name))
    triples = [
        ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(_C + "Account")),
        ox.Triple(node, ox.NamedNode(_C + "accountName"), ox.Literal(name)),
    ]
    triples += [ox.Triple(node, ox.NamedNode(_C + "hasRole"), ox.NamedNode(r.iri)) for r in roles]
    if firm:
        triples.append(
            ox.Triple(node, ox.NamedNode(_C + "accountFirm"), ox.NamedNode(firm_iri(store.base_iri, firm)))
        )
    _add(store, triples)
    return User(name, frozenset(roles), firm)


def issue_token(store: Store, name: str) -> str:
    """A new token for the account; the secret is shown once and only its hash is kept."""
    if find_user(store, name) is None:
        raise NotFound(f"no account {name}", message_zh=f"没有账户 {name}")
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    node = ox.NamedNode(f"{store.base_iri}token/{token_id}")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _add(
        store,
        [
            ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(_C + "AccessToken")),
            ox.Triple(node, ox.NamedNode(_C + "tokenOf"), ox.NamedNode(account_iri(store.base_iri, name))),
            ox.Triple(node, ox.NamedNode(_C + "tokenHash"), ox.Literal(_hash(secret))),
            ox.Triple(
                node,
                ox.NamedNode(str(DCTERMS.created)),
                ox.Literal(now, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")),
            ),
        ],
    )
    return f"cpms_{token_id}_{secret}"


def revoke(store: Store, token_id: str) -> None:
    node = f"{store.base_iri}token/{token_id}"
    if node not in _graph(store):
        raise NotFound(f"no token {token_id}", message_zh=f"没有令牌 {token_id}")
    _add(
        store,
        [
            ox.Triple(
                ox.NamedNode(node),
                ox.NamedNode(_C + "revoked"),
                ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
            )
        ],
    )


def authenticate(store: Store, token: str, *, admin_token: str | None) -> User | None:
    """The user a bearer token stands for, or None."""
    if admin_token is not None and hmac.compare_digest(token, admin_token):
        return ADMIN
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    token_id, secret = match.groups()
    records = _graph(store)
    record = records.get(f"{store.base_iri}token/{token_id}")
    if record is None or _C + "revoked" in record:
        return None
    stored = record.get(_C + "tokenHash", [])
    accounts = record.get(_C + "tokenOf", [])
    if not stored or not accounts or not hmac.compare_digest(str(stored[0].value), _hash(secret)):  # type: ignore[union-attr]
        return None
    return find_user(store, last_segment(str(accounts[0].value)))  # type: ignore[union-attr]
