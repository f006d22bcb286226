"""Render a notification from the jinja2 files in `templates/`.

Each template has `<name>.subject.txt`, `<name>.txt` (plain e-mail body), `<name>.html`
(HTML e-mail body, autoescaped) and `<name>.short.txt` (SMS text and the words a voice call
reads out). The context uses the event payload's camelCase names plus `link` and `level`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from vigil import errors
from vigil.notifications.models import TEMPLATES, Channel

TEMPLATE_DIR = Path(__file__).with_name("templates")
SMS_MAX_CHARS = 480  # three concatenated SMS segments; the middleware may split further


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, context: dict[str, Any]) -> str:
    try:
        return _environment().get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise errors.ValidationFailed(f"no template file {name}") from exc


def render(template: str, channel: Channel, context: dict[str, Any]) -> Rendered:
    if template not in TEMPLATES:
        raise errors.ValidationFailed(
            f"unknown template {template!r}; use one of {', '.join(TEMPLATES)}",
            details=[{"field": "template", "message": "unknown template"}],
        )
    # A subject is one line: a newline in a rule name must not inject mail headers.
    subject = " ".join(_render(f"{template}.subject.txt", context).split())
    if channel is Channel.EMAIL:
        return Rendered(subject, _render(f"{template}.txt", context).strip() + "\n",
                        _render(f"{template}.html", context))
    short = " ".join(_render(f"{template}.short.txt", context).split())
    if channel is Channel.SMS and len(short) > SMS_MAX_CHARS:
        short = short[: SMS_MAX_CHARS - 1] + "…"
    return Rendered(subject, short)
