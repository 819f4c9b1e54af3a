"""`python -m generator` is the `apigen` command."""

from generator.cli import main

raise SystemExit(main())
