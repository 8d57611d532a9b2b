"""Write the local development settings file that `make run` uses, unless it exists already.

    python tools/dev_env.py [PATH]   # default: .env beside manage.py

The file turns DEBUG on and holds a generated secret key, so the README's `python manage.py ...`
commands find the same settings `make run` used. It is git-ignored and for a developer's machine
only: production sets real environment variables and has no such file (see .env.example).
"""

import secrets
import sys
from pathlib import Path

HEADER = (
    "# Local development settings, written by `make run` (git-ignored). Real environment\n"
    "# variables win over these. Production never uses this file: see .env.example.\n"
)


def write(path: Path) -> bool:
    if path.exists():
        return False
    path.write_text(f"{HEADER}DEBUG=1\nSECRET_KEY=dev-{secrets.token_urlsafe(40)}\n")
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / ".env"
    if write(target):
        print(f"Wrote {target} (DEBUG on, a generated secret key) for local commands.")
