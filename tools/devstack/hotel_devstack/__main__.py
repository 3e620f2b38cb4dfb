"""Entry point for `python -m hotel_devstack`."""

from hotel_devstack.cli import main

raise SystemExit(main())
