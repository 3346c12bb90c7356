"""cpms-kg: a semantic knowledge graph service for product master data standards (CPMS)."""

__version__ = "0.1.0"
