"""Rich text for Jira: one small block model rendered as Atlassian Document Format (Cloud, REST v3)
or as wiki-markup plain text (Data Center, REST v2), and ADF read back into plain text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Paragraph | Link | Bullets


def _text(text: str, marks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if marks:
        node["marks"] = marks
    return node


def _paragraph(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def to_adf(blocks: list[Block]) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text:
                content.append(_paragraph(_text(block.text)))
        elif isinstance(block, Link):
            content.append(_paragraph(_text(block.text, [{"type": "link", "attrs": {"href": block.url}}])))
        elif block.items:
            content.append({
                "type": "bulletList",
                "content": [{"type": "listItem", "content": [_paragraph(_text(i))]} for i in block.items],
            })
    return {"type": "doc", "version": 1, "content": content}


def to_wiki(blocks: list[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text:
                parts.append(block.text)
        elif isinstance(block, Link):
            parts.append(f"[{block.text}|{block.url}]")
        elif block.items:
            parts.append("\n".join(f"* {i}" for i in block.items))
    return "\n\n".join(parts)


def render(blocks: list[Block], *, cloud: bool) -> Any:
    return to_adf(blocks) if cloud else to_wiki(blocks)


def plain_text(body: Any) -> str:
    """Text of a comment body: a string (Data Center, webhooks) or an ADF document (Cloud)."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    if not isinstance(body, dict):
        return str(body)
    return _flatten(body).strip()


_BLOCK_TYPES = {"paragraph", "heading", "codeBlock"}


def _flatten(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return str((node.get("attrs") or {}).get("text", ""))
    inner = "".join(_flatten(c) for c in node.get("content") or [] if isinstance(c, dict))
    return inner + "\n" if kind in _BLOCK_TYPES else inner
