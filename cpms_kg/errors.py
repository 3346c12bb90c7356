"""One error hierarchy: every error carries its HTTP status, a stable code, and zh/en text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One located problem in an input: file, line or row, field, and what is wrong."""

    message: str
    source: str | None = None
    line: int | None = None
    column: str | None = None
    message_zh: str | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.source, self.line) if p is not None)
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.message}" if where else f"{self.message}{col}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"message": self.message}
        if self.message_zh:
            out["message_zh"] = self.message_zh
        if self.source is not None:
            out["source"] = self.source
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        return out


@dataclass
class CpmsError(Exception):
    """Base error. `message` is English, `message_zh` Chinese; `problems` locate bad input."""

    message: str
    message_zh: str = ""
    problems: list[Problem] = field(default_factory=list)
    status = 500
    code = "internal_error"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class BadInput(CpmsError):
    """Malformed RDF, tables, queries or parameters."""

    status = 400
    code = "bad_input"


class QuerySyntaxError(BadInput):
    code = "query_syntax"


class UsageError(BadInput):
    code = "usage"


class Conflict(BadInput):
    """The request clashes with the current state (a closed seminar, a duplicate, a second expert of a firm)."""

    status = 409
    code = "conflict"


class RuleBreach(BadInput):
    """Well-formed input that breaks one of the guide's rules (quorum, group size, eligibility)."""

    status = 422
    code = "rule_breach"


class Unauthorized(CpmsError):
    status = 401
    code = "unauthorized"


class Forbidden(CpmsError):
    status = 403
    code = "forbidden"


class NotFound(CpmsError):
    status = 404
    code = "not_found"


class MethodNotAllowed(CpmsError):
    status = 405
    code = "method_not_allowed"


class NotAcceptable(CpmsError):
    status = 406
    code = "not_acceptable"


class PayloadTooLarge(CpmsError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(CpmsError):
    status = 415
    code = "unsupported_media_type"


class QueryTimeout(CpmsError):
    status = 503
    code = "query_timeout"


class StoreUnavailable(CpmsError):
    status = 503
    code = "store_unavailable"
