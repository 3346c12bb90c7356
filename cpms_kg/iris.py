"""IRI minting. Instance data lives under the configurable base IRI; these are the relative paths.

Shipped Turtle files use IRIs relative to the base (no @base directive), so the same file loads
correctly under any CPMS_KG_BASE_IRI.
"""

from __future__ import annotations

from urllib.parse import quote, unquote


def segment(value: str) -> str:
    """One path segment: codes and ids are percent-encoded so that any code mints a valid IRI."""
    return quote(value.strip(), safe="-._~")


def scheme_path(scheme: str) -> str:
    return f"classification/{segment(scheme)}"


def concept_path(scheme: str, code: str) -> str:
    return f"classification/{segment(scheme)}/{segment(code)}"


def level_path(scheme: str, depth: int) -> str:
    return f"classification/{segment(scheme)}/level/{depth}"


def correspondence_path(source: str, target: str) -> str:
    return f"correspondence/{segment(source)}-{segment(target)}"


def association_path(source: str, target: str, source_code: str, target_code: str) -> str:
    return f"{correspondence_path(source, target)}/{segment(source_code)}-{segment(target_code)}"


def firm_iri(base_iri: str, firm: str) -> str:
    """A firm: pilot firm, expert's affiliation, account's firm, data publisher and registrant."""
    return f"{base_iri}firm/{segment(firm)}"


def last_segment(iri: str) -> str:
    """The id an IRI was minted from (`{base}firm/acme` -> acme)."""
    return unquote(iri.rsplit("/", 1)[-1])


def graph_path(*parts: str) -> str:
    return "graph/" + "/".join(segment(p) for p in parts)


PRIVATE_GRAPH_PREFIX = "graph/private/"


def absolute(base_iri: str, path: str) -> str:
    return base_iri + path
