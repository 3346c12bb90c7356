"""The app in-process with accounts whose login cookie a test can put on or take off (page tests)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from cpms_kg.store.embedded import EmbeddedStore


@dataclass
class Site:
    client: TestClient
    store: EmbeddedStore
    tokens: dict[str, str]

    def as_(self, who: str | None) -> None:
        """Signs in as `who` (the page login's cookie), or out with None."""
        if who is None:
            self.client.cookies.delete("cpms_token")
        else:
            self.client.cookies.set("cpms_token", self.tokens[who])
