"""Settings are declared once; every one is documented in the README and read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpms_kg.errors import UsageError
from cpms_kg.settings import Settings, describe
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [env for env, default, _ in describe() if f"| `{env}` | `{default}` |" not in readme]
    assert missing == []


def test_environment_is_read_and_flags_win() -> None:
    env = {
        "CPMS_KG_STORE": "/data/kg",
        "CPMS_KG_QUERY_TIMEOUT": "5",
        "CPMS_KG_SERVICE_ALLOWLIST": "http://a/sparql, http://b/q",
        "CPMS_KG_PORT": "9000",
    }
    settings = Settings.from_env(env, port=8123)
    assert settings.store == Path("/data/kg")
    assert settings.query_timeout == 5.0
    assert settings.service_allowlist == ("http://a/sparql", "http://b/q")
    assert settings.port == 8123


@pytest.mark.parametrize(
    "env",
    [
        {"CPMS_KG_QUERY_TIMEOUT": "soon"},
        {"CPMS_KG_QUERY_TIMEOUT": "0"},
        {"CPMS_KG_BASE_IRI": "https://example.org/id#"},
        {"CPMS_KG_BASE_IRI": "relative/"},
        {"CPMS_KG_UPDATE_ENDPOINT": "http://127.0.0.1:1/update"},
    ],
)
def test_invalid_settings_are_usage_errors(env: dict[str, str]) -> None:
    with pytest.raises(UsageError):
        Settings.from_env(env)
