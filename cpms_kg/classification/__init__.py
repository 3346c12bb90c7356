"""Classification schemes as linked data (SKOS + XKOS): table import, profiles, shipped CPC/HS/units."""

from cpms_kg.classification.importer import ImportedScheme, import_table
from cpms_kg.classification.profiles import PROFILES, LevelSpec, SchemeProfile, profile_for

__all__ = ["PROFILES", "ImportedScheme", "LevelSpec", "SchemeProfile", "import_table", "profile_for"]
