"""Approve one dossier in a process of its own, as a web node would; the integration tests give it a broker that
nobody listens on.

    python -m tests.integration.approver <dossier id> <leader id>
"""

import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    import django

    django.setup()
    from egov.accounts.models import User
    from procedures.models import Dossier
    from procedures.services import dossier_approve

    dossier_id, leader_id = (int(value) for value in argv)
    dossier = dossier_approve(dossier=Dossier.objects.get(pk=dossier_id), leader=User.objects.get(pk=leader_id))
    print(f"approved {dossier.code}: {dossier.status}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
