"""Views of the circuits: decisions on an act (views.act), the bannette (views.inbox) and the
administration of circuit templates (views.templates)."""
