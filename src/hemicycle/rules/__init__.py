"""The legal core: pure Python, no Django. Each rule cites its article (shared/docs/rules.md)."""
