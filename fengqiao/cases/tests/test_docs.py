"""docs/workflow.md shows the same rows as the machines in code."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from fengqiao.cases.machines import GRID_EVENT, HOTLINE
from fengqiao.cases.workflow import Machine

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"


def rows(machine: Machine) -> list[str]:
    out = []
    for state, label in machine.states.items():
        terminal = "yes" if state in machine.terminal else ""
        out.append(f"| `{state}` | {label} | {terminal} |")
    for action in machine.actions:
        sources = ", ".join(f"`{s}`" for s in sorted(action.sources))
        targets = ", ".join(f"`{t}`" for t in sorted(action.targets))
        out.append(f"| `{action.name}` | {action.label} | {sources} | {targets} | {action.by} |")
    return out


def test_workflow_doc_matches_the_tables() -> None:
    text = DOC.read_text(encoding="utf-8")
    for machine in (HOTLINE, GRID_EVENT):
        section = text.split(f"(`{machine.kind}`")[1]
        missing = [row for row in rows(machine) if row not in section]
        assert not missing, f"docs/workflow.md is out of date for {machine.kind}: {missing}"
