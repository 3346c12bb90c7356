"""`pip install .` works from any folder: a built wheel carries the ontology, schemes and shapes,
installs the API as cpms_kg_api (never a top-level `api`), and initialises and queries a store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.xdist_group("wheel")

_NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", ".cpms-kg", "out", "__pycache__", ".*_cache", ".hypothesis"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy: setuptools writes build/ and egg-info into the tree it builds.
    source = tmp_path_factory.mktemp("source") / "cpms-kg"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return next(out.glob("cpms_kg-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"cpms_kg", "cpms_kg_api"}
    for shipped in (
        "cpms_kg/ontology/cpms.ttl",
        "cpms_kg/ontology/schemes/cpc21.ttl",
        "cpms_kg/ontology/schemes/hs2017.ttl",
        "cpms_kg/ontology/schemes/hs2017-cpc21.ttl",
        "cpms_kg/ontology/schemes/units.ttl",
        "cpms_kg/shapes/classification.ttl",
        "cpms_kg/shapes/standard.ttl",
        "cpms_kg/standards/model.py",
        "cpms_kg_api/__init__.py",
    ):
        assert shipped in names, shipped
    # Every module of the source tree ships: a package missing from pyproject's list would not.
    modules = {f"cpms_kg/{p.relative_to(ROOT / 'cpms_kg')}" for p in (ROOT / "cpms_kg").rglob("*.py")}
    modules |= {f"cpms_kg_api/{p.name}" for p in (ROOT / "api").glob("*.py")}
    assert modules - set(names) == set()
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cpms-kg = cpms_kg.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300
        )

    where = run("-c", "import cpms_kg, cpms_kg_api; print(cpms_kg.__file__); print(cpms_kg_api.__file__)")
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(target)) for line in where.stdout.split())
    init = run("-m", "cpms_kg", "init", "--store", "store")
    assert init.returncode == 0, init.stderr
    query = run(
        "-m",
        "cpms_kg",
        "query",
        "--store",
        "store",
        "--format",
        "csv",
        'SELECT ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> "43310" ; '
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines() == ["l", "Ball or roller bearings"]
