"""bench/README.md: each benchmark owns one `## ` section and replaces only that section."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(section: str, readme: Path = README) -> None:
    """Replace the section whose heading is `section`'s first line (or append it)."""
    heading = section.splitlines()[0]
    current = readme.read_text() if readme.exists() else "# Benchmarks\n"
    start = current.find(heading + "\n")
    if start == -1:
        readme.write_text(current.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n")
        return
    following = current.find("\n## ", start + len(heading))
    tail = current[following + 1 :] if following != -1 else ""
    readme.write_text(current[:start] + section.rstrip("\n") + "\n" + ("\n" + tail if tail else ""))
