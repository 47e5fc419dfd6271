"""The package version, in a module of its own so every layer can read it without the package's face."""

__version__ = "0.1.0"
