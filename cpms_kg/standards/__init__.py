"""Standards as data: the model, its spreadsheet and RDF forms, demo standards."""
