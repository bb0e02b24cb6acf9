"""`python -m hallway.solver PROBLEM.json -o SOLUTION.json`: the same as `hallway solve`."""

import sys

from .cli import main

sys.exit(main())
