"""``python -m shanghai_innovation``: the command line."""

from ._cli import main

raise SystemExit(main())
