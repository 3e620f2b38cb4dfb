"""contracts/events is a catalogue a reader can trust: each example well-formed and listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotel_shared.events import EVENT_TYPE_PATTERN

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "contracts" / "events").glob("*.json"))
CHANGED_EXAMPLES = [path for path in EXAMPLES if path.stem.split(".")[2].endswith("_changed")]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_an_example_is_the_event_its_file_names(path):
    example = json.loads(path.read_text())
    assert example["type"] == path.stem
    assert EVENT_TYPE_PATTERN.match(example["type"])
    assert isinstance(example["subject"], str)
    assert example["subject"]
    assert isinstance(example["data"], dict)
    assert example["data"]


@pytest.mark.parametrize("path", CHANGED_EXAMPLES, ids=lambda path: path.stem)
def test_a_changed_event_says_what_moved(path):
    example = json.loads(path.read_text())
    changes = example["data"].get("changes")
    assert changes, f"{path.stem} must carry changes: [{{field, oldValue, newValue}}]"
    for change in changes:
        assert set(change) == {"field", "oldValue", "newValue"}


def test_the_readme_lists_every_example():
    readme = (REPO / "contracts" / "README.md").read_text()
    unlisted = [path.stem for path in EXAMPLES if f"`{path.stem}`" not in readme]
    assert not unlisted, f"contracts/README.md does not list {unlisted}"
