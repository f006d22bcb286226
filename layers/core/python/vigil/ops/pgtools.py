"""Pick pg_dump / pg_restore binaries that fit the server.

pg_dump refuses a server newer than itself, and pg_restore refuses an archive written by a
newer pg_dump. This machine kind has the PostgreSQL 15 client tools on PATH while the embedded
database (pgserver) is PostgreSQL 16 and ships its own 16 tools, so the choice is made per call:
the oldest candidate whose major version is at least the one needed.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tool:
    path: str
    major: int


def _major(binary: str) -> int | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True,  # noqa: S603
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def candidates(name: str) -> list[Tool]:
    paths: list[str] = []
    if (on_path := shutil.which(name)) is not None:
        paths.append(on_path)
    paths.extend(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")))
    try:
        import pgserver  # the embedded PostgreSQL's own client tools

        paths.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    tools: dict[str, Tool] = {}
    for p in paths:
        real = str(Path(p).resolve())
        if real not in tools and Path(real).is_file() and (major := _major(real)) is not None:
            tools[real] = Tool(real, major)
    return sorted(tools.values(), key=lambda t: t.major)


def pick(name: str, *, at_least: int) -> Tool:
    for tool in candidates(name):
        if tool.major >= at_least:
            return tool
    found = ", ".join(f"{t.path} ({t.major})" for t in candidates(name)) or "none"
    raise RuntimeError(
        f"no {name} of PostgreSQL {at_least} or newer (found: {found}); install postgresql-client-{at_least}"
    )
