#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # Commands on a checkout are development; a deployment sets DJANGO_SETTINGS_MODULE (or at
    # least DEBUG=false, which the dev settings honour) and the ASGI server defaults to base.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
