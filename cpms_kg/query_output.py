"""Query results for the terminal: an aligned table, or the raw serialisations."""

from __future__ import annotations

import pyoxigraph as ox

from cpms_kg.errors import UsageError
from cpms_kg.store.base import SerializedResult

_ACCEPT = {
    "table": "application/sparql-results+json, text/turtle;q=0.9",
    "json": "application/sparql-results+json, application/ld+json;q=0.9",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
}


def accept_for(fmt: str) -> str:
    try:
        return _ACCEPT[fmt]
    except KeyError:
        raise UsageError(
            f"--format must be one of {', '.join(_ACCEPT)}, not {fmt!r}",
            message_zh=f"--format 须为 {', '.join(_ACCEPT)} 之一",
        ) from None


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def render(result: SerializedResult, fmt: str) -> str:
    if fmt != "table" or not result.media_type.startswith("application/sparql-results+json"):
        text = result.body.decode("utf-8")
        return text if text.endswith("\n") else text + "\n"
    parsed = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return ("true" if parsed else "false") + "\n"
    variables = [v.value for v in parsed.variables]
    rows = [[_cell(sol[v]) for v in variables] for sol in parsed]
    widths = [max([len(v), *(len(r[i]) for r in rows)]) for i, v in enumerate(variables)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"({len(rows)} rows / 行)")
    return "\n".join(lines) + "\n"
