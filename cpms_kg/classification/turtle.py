"""A small deterministic Turtle writer: relative IRIs, prefixed names where safe, escaped literals.

Shipped files are large and must regenerate byte-identically, so they are written as text rather
than through a serializer; tests parse every output with rdflib and pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from cpms_kg import iris
from cpms_kg.namespaces import PREFIXES

VOCABULARY_PREFIXES = ("cpms", "dcterms", "qudt", "rdf", "rdfs", "skos", "xkos", "xsd")
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_PREFIX = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    body = "".join(_ESCAPES.get(ch, ch if ch >= " " else f"\\u{ord(ch):04X}") for ch in text)
    if lang:
        return f'"{body}"@{lang}'
    return f'"{body}"^^{datatype}' if datatype else f'"{body}"'


def integer(value: int, datatype: str = "xsd:positiveInteger") -> str:
    return f'"{value}"^^{datatype}'


def decimal(text: str) -> str:
    """An xsd:decimal literal in Turtle's short form (always with a decimal point)."""
    value = format(Decimal(text), "f")
    return value if "." in value else value + ".0"


def iri(value: str) -> str:
    """An IRI reference (relative paths resolve against the loader's base IRI)."""
    return "<" + _IRI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value) + ">"


def scheme_prefix(scheme: str) -> str:
    """The prefix under which a scheme's concepts are written (its id, unless that is taken)."""
    if not _PREFIX.fullmatch(scheme) or scheme in PREFIXES or scheme in ("unit", "quantitykind", "qkdv"):
        return "s_" + re.sub(r"[^A-Za-z0-9_-]", "_", scheme)
    return scheme


class Names:
    """Prefix declarations and the shortest safe way to write each IRI under them."""

    def __init__(self, extra: Mapping[str, str], vocabularies: Iterable[str] = VOCABULARY_PREFIXES) -> None:
        self.prefixes = {p: PREFIXES[p] for p in vocabularies} | dict(extra)

    def term(self, prefix: str, local: str) -> str:
        return f"{prefix}:{local}" if _LOCAL.fullmatch(local) else iri(self.prefixes[prefix] + local)

    def concept(self, scheme: str, code: str) -> str:
        return self.term(scheme_prefix(scheme), iris.segment(code))

    def document(self, header: Iterable[str], body: Sequence[str]) -> str:
        """Header comment, the prefixes the body uses, then the body."""
        text = "".join(body)
        used = [p for p in sorted(self.prefixes) if re.search(rf"(?:^|[\s,(^]){re.escape(p)}:", text, re.M)]
        lines = "".join(f"@prefix {p}: {iri(self.prefixes[p])} .\n" for p in used)
        return f"{comment(header)}\n{lines}\n{text}"


def concept_namespace(scheme: str) -> dict[str, str]:
    return {scheme_prefix(scheme): iris.scheme_path(scheme) + "/"}


def statement(subject: str, properties: Sequence[tuple[str, Sequence[str]]]) -> str:
    """`subject p o1, o2 ; p2 o3 .` — properties without objects are left out; long lists wrap."""
    parts = []
    for prop, objects in properties:
        if not objects:
            continue
        sep = ",\n        " if len(objects) > 3 else ", "
        parts.append(f"{prop} {sep.join(objects)}")
    return f"{subject} " + " ;\n    ".join(parts) + " .\n"


def comment(lines: Iterable[str]) -> str:
    return "".join(f"# {part}".rstrip() + "\n" for line in lines for part in line.splitlines() or [""])


def lang_of(text: str) -> str:
    """zh for text with CJK characters, else en (for notes whose language the table does not say)."""
    return "zh" if re.search(r"[\u3400-\u9fff\uf900-\ufaff]", text) else "en"
