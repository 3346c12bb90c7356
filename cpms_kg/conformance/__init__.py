"""Firm data conformance: read a firm's product table, map, normalise, check against a standard."""
