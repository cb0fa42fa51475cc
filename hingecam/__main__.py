"""`python -m hingecam` runs the command line."""

from hingecam.cli import main

raise SystemExit(main())
