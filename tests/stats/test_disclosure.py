"""Small-number suppression: primary, derived and secondary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib.disclosure import suppress

PROVIDERS = pd.DataFrame(
    {
        "provider": ["Acorn", "Birch", "Cedar", "Total"],
        "clients": [3, 20, 40, 63],
        "share": [3 / 63 * 100, 20 / 63 * 100, 40 / 63 * 100, 100.0],
    }
)


def test_provider_with_three_clients_is_suppressed_with_its_share_and_a_secondary_cell() -> None:
    original = PROVIDERS.copy()
    result = suppress(
        PROVIDERS,
        "clients",
        derived={"share": "clients"},
        total_row={"column": "provider", "label": "Total"},
    )
    assert np.isnan(result.loc[0, "clients"]) and np.isnan(result.loc[0, "share"])
    assert result.loc[0, "note"] == "suppressed: fewer than 5 (clients, share)"
    # Birch (20) is the next smallest: hidden so that 63 - 20 - 40 cannot reveal Acorn's 3
    assert np.isnan(result.loc[1, "clients"]) and np.isnan(result.loc[1, "share"])
    assert result.loc[1, "note"] == "suppressed: secondary (clients, share)"
    assert result.loc[2, "clients"] == 40 and result.loc[3, "clients"] == 63
    assert result.loc[2, "note"] == ""
    # no cell can be recovered by differencing: total minus visible cells leaves two unknowns
    visible = result.loc[result["provider"] != "Total", "clients"]
    assert visible.isna().sum() == 2
    pd.testing.assert_frame_equal(PROVIDERS, original)  # input not mutated


def test_zero_is_not_disclosive_and_threshold_is_a_parameter() -> None:
    table = pd.DataFrame({"area": ["a", "b", "c", "d"], "clients": [0, 4, 5, 9]})
    result = suppress(table, "clients")
    assert result["clients"].tolist()[0] == 0 and result["clients"].tolist()[2:] == [5, 9]
    assert np.isnan(result.loc[1, "clients"])
    stricter = suppress(table, "clients", threshold=10)
    assert stricter["clients"].isna().tolist() == [False, True, True, True]
    assert stricter.loc[3, "note"] == "suppressed: fewer than 10 (clients)"


def test_secondary_suppression_within_group_by_columns() -> None:
    table = pd.DataFrame(
        {
            "area": ["x", "x", "x", "y", "y", "y"],
            "reason": ["LD", "MH", "PS", "LD", "MH", "PS"],
            "clients": [2, 30, 12, 0, 8, 15],
        }
    )
    result = suppress(table, "clients", group_by="area")
    # area x: 2 primary, 12 the next smallest -> secondary; area y: nothing small
    assert result["clients"].isna().tolist() == [True, False, True, False, False, False]
    assert result.loc[2, "note"] == "suppressed: secondary (clients)"


def test_secondary_skips_zero_and_two_primary_cells_need_no_secondary() -> None:
    table = pd.DataFrame({"g": ["a"] * 4, "clients": [3, 0, 7, 9]})
    assert suppress(table, "clients", group_by="g")["clients"].isna().tolist() == [
        True,
        False,
        True,
        False,
    ]
    two = pd.DataFrame({"g": ["a"] * 3, "clients": [3, 4, 50]})
    assert suppress(two, "clients", group_by="g")["clients"].isna().tolist() == [True, True, False]


def test_single_cell_group_hides_the_total_instead() -> None:
    table = pd.DataFrame({"provider": ["Only", "Total"], "clients": [3, 3]})
    result = suppress(table, "clients", total_row={"column": "provider", "label": "Total"})
    assert result["clients"].isna().all()


def test_several_count_columns_and_an_existing_note() -> None:
    table = pd.DataFrame({"clients": [2, 50], "carers": [10, 1], "note": ["provisional", ""]})
    result = suppress(table, ["clients", "carers"])
    assert result.loc[0, "note"] == "provisional; suppressed: fewer than 5 (clients)"
    assert result.loc[1, "note"] == "suppressed: fewer than 5 (carers)"


def test_bad_input_is_a_precise_error() -> None:
    with pytest.raises(ValueError, match="count column\\(s\\) 'people' not found"):
        suppress(PROVIDERS, "people")
    with pytest.raises(ValueError, match="count column 'clients' row 1 is negative"):
        suppress(pd.DataFrame({"clients": [1, -2]}), "clients")
    with pytest.raises(ValueError, match="derived numerator\\(s\\) 'other'"):
        suppress(PROVIDERS, "clients", derived={"share": "other"})
