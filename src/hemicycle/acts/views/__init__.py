"""Act pages, one module per task: pages (list, detail), drafting (create, edit), annexes,
comments, versions (list, one version, diff), history (parcours du dossier)."""
