"""Allow ``python -m mfgkg``."""

from .cli import main

main()
