"""Files shipped inside the package (ontology/, shapes/), found the same way from a wheel or a clone."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def _shipped(package: str, folder: str) -> Traversable:
    try:
        return files(package)
    except ModuleNotFoundError:
        # Running from a source checkout on sys.path: the folders sit beside cpms_kg/.
        return Path(__file__).resolve().parent.parent / folder


def ontology_dir() -> Traversable:
    return _shipped("cpms_kg.ontology", "ontology")


def shapes_dir() -> Traversable:
    return _shipped("cpms_kg.shapes", "shapes")


def ontology_file(name: str) -> Traversable:
    return ontology_dir().joinpath(name)


def scheme_file(name: str) -> Traversable:
    return ontology_dir().joinpath("schemes").joinpath(name)
