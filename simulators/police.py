"""Simulator of the police household registry (permanent-residence registration and removal)."""

import sys

from simulators.server import Agency, main

AGENCY = Agency(slug="police", name="Công an – cơ sở dữ liệu cư trú", default_port=8101)

if __name__ == "__main__":
    sys.exit(main(AGENCY))
