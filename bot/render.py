"""Plain-text rendering of core results, for the terminal and the console front end."""

from __future__ import annotations

from bot.types import Answer, Citation, Digest

__all__ = ["answer_text", "digest_text", "citation_line"]


def citation_line(citation: Citation) -> str:
    details = ", ".join(part for part in (citation.source, citation.published) if part)
    head = f"[{citation.n}] {citation.title}"
    return f"{head} — {details}\n    {citation.url}" if details else f"{head}\n    {citation.url}"


def answer_text(answer: Answer) -> str:
    lines = [answer.text]
    if answer.note:
        lines.append(f"({answer.note})")
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        lines.extend(citation_line(c) for c in answer.citations)
    return "\n".join(lines)


def digest_text(digest: Digest) -> str:
    span = f"{digest.since:%Y-%m-%d %H:%M} – {digest.until:%Y-%m-%d %H:%M} UTC"
    topic = f" about “{digest.topic}”" if digest.topic else ""
    if not digest.items:
        return f"No news{topic} between {span}."
    lines = [f"News digest{topic}, {span}"]
    for number, item in enumerate(digest.items, start=1):
        lines.append("")
        lines.append(f"{number}. {item.headline}")
        lines.append(f"   {item.summary}")
        for citation in item.citations:
            details = ", ".join(p for p in (citation.source, citation.published) if p)
            lines.append(f"   - {details}: {citation.url}" if details else f"   - {citation.url}")
    return "\n".join(lines)
