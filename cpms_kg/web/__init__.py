"""Pages for people who do not use SPARQL: one layout, Chinese first with an English switch."""
