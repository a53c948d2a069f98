"""The one table registry (issue 10, item 7): consistent entries, and the docs table generated
from it."""

from __future__ import annotations

import re

import pytest

from asclib.paths import PROJECT_ROOT
from asclib.tables import TABLES, TIERS, markdown_table


@pytest.mark.parametrize("name", sorted(TABLES))
def test_entry_is_consistent(name):
    entry = TABLES[name]
    columns = entry.columns
    assert entry.schema.ordered and len(columns) == len(set(columns))
    assert set(entry.key) <= set(columns) and set(entry.slice) <= set(columns)
    tiers = [TIERS.index(source.tier) for source in entry.sources]
    assert tiers == sorted(tiers), "sources must be in priority order"
    for source in entry.sources:
        assert source.illustrative == (source.tier == "demo")
        if source.loader is not None:
            assert callable(source.load())
    if entry.council:
        assert [s.tier for s in entry.sources] == ["council", "demo"]
        assert all("{area}" in s.path for s in entry.sources)


def test_architecture_table_is_the_registry():
    text = (PROJECT_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- registry-table:start -->\n(.*?)\n<!-- registry-table:end -->", text,
                      flags=re.DOTALL)
    assert match is not None
    assert match.group(1).strip() == markdown_table().strip(), (
        "docs/ARCHITECTURE.md is out of step with asclib/tables.py: paste "
        "asclib.tables.markdown_table() between the registry-table markers")


def test_schemas_are_defined_once():
    from asclib.sources import published

    for name, (_, schema) in published.PUBLISHED_FILES.items():
        assert schema is TABLES[name].schema
    assert not hasattr(published, "POPULATION")  # no second name for a registry schema
