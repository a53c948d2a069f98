"""Fingertips API download: URL building and the write path, with a fake opener (no
network in tests)."""

from __future__ import annotations

import io
import urllib.error

import pytest

from asclib.errors import InputDataError
from asclib.sources import fingertips_api
from asclib.sources.fingertips import EXPORT_COLUMNS, load_fingertips_export

HEADER = ",".join(EXPORT_COLUMNS)
ROW = ("93356,Rate,E12000002,North West region,E08000014,Sefton,County & UA,Persons,All ages,"
       ",,2015,81.47,71.13,92.90,,,223,273707,,,Better,Similar,20150000,,")


class _FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_api_url_building():
    url = fingertips_api.build_url([93356, 90366], 102, profile_id=19)
    assert url == ("https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?"
                   "indicator_ids=93356,90366&child_area_type_id=102&profile_id=19")
    with pytest.raises(ValueError):
        fingertips_api.build_url([], 102)


def test_api_fetch_writes_validated_file(tmp_path):
    seen = {}
    body = (HEADER + "\n" + ROW + "\n").encode("utf-8")

    def opener(url, timeout):
        seen["url"], seen["timeout"] = url, timeout
        return _FakeResponse(body)

    path = fingertips_api.fetch([93356], 102, tmp_path / "fingertips", opener=opener)
    assert path == tmp_path / "fingertips" / "fingertips_93356_at102.csv"
    assert path.read_bytes() == body
    assert "indicator_ids=93356&child_area_type_id=102" in seen["url"]
    assert load_fingertips_export(path).loc[0, "value"] == 81.47


def test_api_fetch_failure_keeps_previous_file(tmp_path):
    target = tmp_path / "fingertips_93356_at102.csv"
    target.write_text("previous", encoding="utf-8")

    def broken(url, timeout):
        raise urllib.error.URLError("no network")

    with pytest.raises(InputDataError, match="download failed"):
        fingertips_api.fetch([93356], 102, tmp_path, opener=broken)

    def garbage(url, timeout):
        return _FakeResponse(b"not,a,fingertips,file\n1,2,3,4\n")

    with pytest.raises(InputDataError, match="Indicator ID"):
        fingertips_api.fetch([93356], 102, tmp_path, opener=garbage)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
