"""The query layer: saved-query catalogue, parameters, stores (embedded and remote), results,
the W3C wire formats, and the guard and workers that keep hostile queries harmless."""
