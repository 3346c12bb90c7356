"""Shared fixtures: initialised stores, a live server on a free loopback port, a real `oxigraph serve`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cpms_kg.settings import DEFAULT_BASE_IRI, Settings
from cpms_kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent
ADMIN_TOKEN = "test-admin-token"
BASE = DEFAULT_BASE_IRI


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{out}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cli(*args: str, env: dict[str, str] | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Runs the installed `cpms-kg` command the way a user does."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([str(BIN / "cpms-kg"), *args], capture_output=True, text=True, env=full_env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"cpms-kg {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def initialised_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store initialised once per session by `cpms-kg init`; tests copy it before writing."""
    path = tmp_path_factory.mktemp("store-template") / "store"
    cli("init", "--store", str(path), check=True)
    return path


@pytest.fixture
def store_dir(initialised_store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(initialised_store, target)
    return target


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    store: Path | None = None


def start_server(env: dict[str, str], *args: str) -> Server:
    port = free_port()
    full_env = {**os.environ, "CPMS_KG_ADMIN_TOKEN": ADMIN_TOKEN, **env}
    process = subprocess.Popen(
        [str(BIN / "cpms-kg"), "serve", "--port", str(port), *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/sparql", process)
    return Server(url, process)


@contextmanager
def app_client(store_path: Path, **settings: Any) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    """The app in-process over an embedded store (for tests that need no real socket)."""
    from api import create_app

    opened = EmbeddedStore(store_path, base_iri=BASE, query_workers=1)
    configured = Settings(store=store_path, admin_token=ADMIN_TOKEN, query_workers=1, **settings)
    try:
        with TestClient(create_app(configured, store=opened)) as client:
            yield client, opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, initialised_store: Path) -> Iterator[Server]:
    """`cpms-kg serve` on the embedded store, on a free loopback port (read-mostly tests share it)."""
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(initialised_store, store)
    running = start_server({"CPMS_KG_QUERY_TIMEOUT": "3"}, "--store", str(store))
    running.store = store
    yield running
    stop(running.process)


@dataclass
class OxigraphServer:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def query(self) -> str:
        return self.url + "/query"

    @property
    def update(self) -> str:
        return self.url + "/update"

    @property
    def graph_store(self) -> str:
        return self.url + "/store"

    def flags(self) -> list[str]:
        return ["--endpoint", self.query, "--update-endpoint", self.update, "--graph-store", self.graph_store]


def start_oxigraph(location: Path, *extra: str) -> OxigraphServer:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "oxigraph"),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/query?query=ASK%7B%7D", process)
    return OxigraphServer(url, process)


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A real `oxigraph serve` (PyPI package oxigraph) on a free loopback port, empty."""
    running = start_oxigraph(tmp_path / "oxigraph")
    yield running
    stop(running.process)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", admin_token=ADMIN_TOKEN, query_timeout=5.0)


# The browser-test fixtures (live_server, chromium, browser_page) for every module; imported last because
# tests/browser.py uses the helpers above.
from tests.browser import browser_page, chromium, live_server  # noqa: E402, F401
