"""koers: the steering and monitoring system of an area-based social programme.

The package is a library with thin adapters (``koers.cli``, ``koers.web``); its layers and
what each may import are described in docs/architecture.md and held by the import-linter
contracts in pyproject.toml.
"""
