"""The real ONS weekly deaths workbook of 2020 week 39 in ../shared/data, which the tests of
the later layouts rebuild in those layouts (so their figures are real and known): its path
there, and the week-ending date of a 2020 week. Its loaded frames are session fixtures
(conftest.py: ``weekly_2020_deaths``, ``weekly_2020_table``), read once for all the tests."""

from __future__ import annotations

from datetime import date, timedelta

WORKBOOK = "ons-weekly-deaths-ew-2020-wk39/publishedweek392020.xlsx"


def week_ending(week: int) -> date:
    """The Friday that ends ``week`` of 2020 (week 1 ended on 3 January 2020)."""
    return date(2020, 1, 3) + timedelta(weeks=week - 1)
