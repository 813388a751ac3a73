"""`python tests/emulator --help`: run the local TCCC emulator. This folder is on sys.path when run that way."""

import sys

from tccc_emulator.cli import main  # pylint: disable=import-error

if __name__ == '__main__':
    sys.exit(main())
