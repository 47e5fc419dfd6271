"""Allow ``python -m mfgkg``."""

from mfgkg.cli import main

main()
