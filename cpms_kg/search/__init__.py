"""Search over classification concepts, standards' categories and attributes, and standards.

`SearchService().search(store, SearchQuery.parse("轴承", kind="category"))` gives a ranked, filtered
page of hits; the in-memory index behind it is rebuilt when `store.public_generation` changes
(writes to private graphs only, such as audit records, leave it).
"""

from cpms_kg.search.model import Hit, Kind, Match, SearchPage, SearchQuery
from cpms_kg.search.service import SearchService

__all__ = ["Hit", "Kind", "Match", "SearchPage", "SearchQuery", "SearchService"]
