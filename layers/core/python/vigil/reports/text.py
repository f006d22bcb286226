"""Text for the PDF's core fonts (Latin-1): typographic characters mapped, others replaced."""

from __future__ import annotations

_MAP = str.maketrans({"→": "->", "←": "<-", "—": "-", "–": "-", "“": '"', "”": '"', "‘": "'",
                      "’": "'", "…": "...", "≥": ">=", "≤": "<=", "•": "-", "·": "·", "\t": "    "})


def latin(text: object) -> str:
    return str(text).translate(_MAP).encode("latin-1", errors="replace").decode("latin-1")
