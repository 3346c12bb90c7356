"""IRI minting: any code mints a valid IRI that decodes back to the code (Hypothesis round-trip)."""

from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from cpms_kg import iris
from cpms_kg.settings import DEFAULT_BASE_IRI

codes = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=20
).filter(lambda s: s.strip() != "")


@given(codes, codes)
def test_concept_iri_is_valid_and_round_trips(scheme: str, code: str) -> None:
    path = iris.concept_path(scheme, code)
    iri = iris.absolute(DEFAULT_BASE_IRI, path)
    ox.NamedNode(iri)  # raises on an invalid IRI
    prefix, scheme_segment, code_segment = path.split("/")
    assert prefix == "classification"
    assert unquote(scheme_segment) == scheme.strip() and unquote(code_segment) == code.strip()
