"""`python -m inference_core ...`: the same command line as `remotereasoner`."""

import sys

from inference_core.cli.main import main

sys.exit(main())
