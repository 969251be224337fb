import sys

from jlclient.cli import main

sys.exit(main())
