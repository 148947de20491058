"""Views of the members' portal (mounted at /elu/)."""
