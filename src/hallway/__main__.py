import sys

from hallway.cli import main

sys.exit(main())
