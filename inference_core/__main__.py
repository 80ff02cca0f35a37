"""`python -m inference_core ...`: the same command line as `remotereasoner`."""

import sys

from .cli import main

sys.exit(main())
