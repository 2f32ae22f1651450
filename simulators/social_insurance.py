"""Simulator of the social-insurance system that issues health-insurance cards for children under six."""

import sys

from simulators.server import Agency, main

AGENCY = Agency(slug="social_insurance", name="Bảo hiểm xã hội – thẻ BHYT", default_port=8102)

if __name__ == "__main__":
    sys.exit(main(AGENCY))
