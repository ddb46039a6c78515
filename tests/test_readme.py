"""The README's examples run as written (from the repository root)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

# Not imported from conftest: pytest may have bound that name to another folder's conftest.
REPO = Path(__file__).resolve().parents[1]


def _example_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Examples", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    commands: list[str] = []
    current = ""
    for line in block.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        current += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            commands.append(current.strip())
            current = ""
    return commands


COMMANDS = _example_commands()


@pytest.fixture(scope="module", autouse=True)
def _fresh_record() -> None:
    """`ledger init` rightly refuses to overwrite a record, so a second run starts without one."""
    for path in (REPO / "out").glob("record.db*"):
        path.unlink()


def test_the_examples_are_found() -> None:
    assert len(COMMANDS) >= 15
    assert all(".venv/bin/channelwatch" in c for c in COMMANDS)


@pytest.mark.parametrize(
    "command", COMMANDS, ids=[c.split("channelwatch ")[1][:40] for c in COMMANDS]
)
def test_readme_example_runs(command: str, shared_data: Path) -> None:
    # the README says ../shared/data; a clone elsewhere finds it where the fixture does
    command = command.replace("../shared/data", str(shared_data))
    env = {**os.environ, "COLUMNS": "120"}
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.strip(), "the example printed nothing"
