"""Settings, declared once: CLI flags, environment variables, README and tests read this table."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from cpms_kg.errors import UsageError

DEFAULT_BASE_IRI = "https://w3id.org/cpms-kg/id/"


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; each one is also the environment variable CPMS_KG_<NAME>."""

    store: Path = _setting(Path(".cpms-kg/store"), "directory of the embedded store (default)")
    endpoint: str | None = _setting(None, "remote SPARQL 1.1 query endpoint URL (instead of --store)")
    update_endpoint: str | None = _setting(None, "remote SPARQL 1.1 update endpoint URL")
    graph_store: str | None = _setting(None, "remote SPARQL 1.1 Graph Store Protocol URL")
    base_iri: str = _setting(DEFAULT_BASE_IRI, "base IRI under which instance data is minted")
    host: str = _setting("127.0.0.1", "address the HTTP service listens on")
    port: int = _setting(8000, "port the HTTP service listens on")
    query_timeout: float = _setting(30.0, "seconds after which a SPARQL query is stopped")
    query_workers: int = _setting(2, "processes that evaluate public SPARQL queries")
    admin_token: str | None = _setting(None, "bearer token that may write (SPARQL Update, Graph Store)")
    service_allowlist: tuple[str, ...] = _setting((), "comma-separated endpoint IRIs that SPARQL SERVICE may call")
    max_upload_bytes: int = _setting(200 * 1024 * 1024, "largest request body accepted, in bytes")
    sync_validate_bytes: int = _setting(
        2 * 1024 * 1024, "uploads to /api/validate above this size become a background job"
    )

    def __post_init__(self) -> None:
        # Shipped files use IRIs relative to the base, which resolve correctly only under a '/'.
        if not self.base_iri.endswith("/") or "://" not in self.base_iri:
            raise UsageError(
                f"CPMS_KG_BASE_IRI must be an absolute IRI ending with '/': {self.base_iri!r}",
                message_zh=f"CPMS_KG_BASE_IRI 须为以 '/' 结尾的绝对 IRI：{self.base_iri!r}",
            )
        if self.endpoint is None and (self.update_endpoint or self.graph_store):
            raise UsageError("--update-endpoint and --graph-store need --endpoint")
        if self.query_timeout <= 0:
            raise UsageError("CPMS_KG_QUERY_TIMEOUT must be positive")
        if self.query_workers < 1:
            raise UsageError("CPMS_KG_QUERY_WORKERS must be at least 1")

    @property
    def remote(self) -> bool:
        return self.endpoint is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from CPMS_KG_* variables; explicit overrides (CLI flags) win when not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(env_name(f.name))
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.default, raw)
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def env_name(name: str) -> str:
    return "CPMS_KG_" + name.upper()


def describe() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) of every setting, for docs and the README test."""
    return [(env_name(f.name), _show(f.default), f.metadata["help"]) for f in fields(Settings)]


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    return "" if value is None else str(value)


def _coerce(name: str, default: Any, raw: str) -> Any:
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise UsageError(f"{env_name(name)}={raw!r} is not valid: {exc}") from exc
    return raw
