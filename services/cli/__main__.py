"""`python -m services.cli …` is the same as the `jointinspect` command."""
import sys

from . import main

sys.exit(main())
