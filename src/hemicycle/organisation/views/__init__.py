"""Organisation pages: one module per kind of thing managed."""
