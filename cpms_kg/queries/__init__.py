"""The example queries a bureau or a data trader asks of the graph, shipped as SPARQL files (`*.rq`).

Each file is one query for the public endpoint (the default graph is the union of the public graphs),
headed by comment lines `# question-zh:`, `# question-en:`, `# parameters-zh:` and `# parameters-en:`;
its parameters are the VALUES line, so a reader edits one line to ask about another standard,
attribute or category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

from cpms_kg.errors import NotFound

_HEADER = re.compile(r"#\s*(question|parameters)-(zh|en):\s*(.+)")


@dataclass(frozen=True)
class Example:
    name: str
    """The file name without `.rq`."""
    question_zh: str
    question_en: str
    parameters_zh: str
    parameters_en: str
    query: str

    @property
    def file_name(self) -> str:
        return f"{self.name}.rq"


def _parse(name: str, text: str) -> Example:
    header: dict[str, str] = {}
    for line in text.splitlines():
        found = _HEADER.fullmatch(line.strip())
        if found:
            header[f"{found[1]}_{found[2]}"] = found[3].strip()
    missing = {"question_zh", "question_en", "parameters_zh", "parameters_en"} - header.keys()
    if missing:
        raise ValueError(f"{name}.rq lacks the header lines {', '.join(sorted(missing))}")
    return Example(name, query=text, **header)


def examples() -> list[Example]:
    """Every shipped example, by file name."""
    found = sorted((f for f in files(__package__).iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return [_parse(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in found]


def example(name: str) -> Example:
    found = next((e for e in examples() if e.name == name), None)
    if found is None:
        raise NotFound(f"no example query {name}", message_zh=f"没有示例查询 {name}")
    return found
