"""`python -m uhbplan COMMAND`: manage.py for an installed uhbplan, from any folder."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uhbplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m uhbplan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
