"""Render infra/build/template.yaml from infra/resources.yaml and functions/*/app.py.

Same as `vigil deploy render`; run with the project's Python: `.venv/bin/python infra/render.py`.
"""

import sys

from vigil.cli import main

if __name__ == "__main__":
    sys.exit(main(["deploy", "render", *sys.argv[1:]]))
