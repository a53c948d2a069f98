"""Fingertips API download: URL building and the write path, with a fake opener (no
network in tests)."""

from __future__ import annotations

import csv
import http.server
import io
import socket
import threading
import urllib.error
import urllib.parse

import pandas as pd
import pytest

from asclib.cli import main
from asclib.errors import InputDataError
from asclib.sources import fingertips_api
from asclib.sources.fingertips import (
    EXPORT_COLUMNS,
    load_fingertips_export,
    load_indicator_metadata,
)

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


# ------------------------------------------------------------ `asc fetch` end to end
# A local HTTP server (127.0.0.1, random port) answers like the Fingertips API with responses
# recorded from the real shared export, in the current site/API format (headers without
# spaces, a "Time period range" column, BOM, every field quoted). No request internals are
# mocked: `asc fetch` talks HTTP to it.

CAMPYLOBACTER = "fingertips-campylobacter-countyua/indicators-CountyUA.data.csv"
HLE_ID = 90362  # a real JSNA indicator the suite curates (Life expectancy, high_is_good)


def _recorded_responses(shared_file) -> dict[int, list[list[str]]]:
    """Indicator id -> data rows in the current API format: the real campylobacter rows, and
    the same rows relabelled as the suite's healthy-life-expectancy indicator."""
    with shared_file(CAMPYLOBACTER).open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    header = [h.replace(" ", "") for h in header] + ["Time period range"]
    rows = [r + ["1y"] for r in rows]
    relabelled = [[str(HLE_ID), "Healthy life expectancy at birth", *r[2:]] for r in rows]
    return {0: [header], 93356: rows, HLE_ID: relabelled}


class _FingertipsApi(http.server.BaseHTTPRequestHandler):
    responses: dict[int, list[list[str]]] = {}
    requests: list[str] = []
    status = 200

    def do_GET(self):  # noqa: N802 - the http.server hook name
        type(self).requests.append(self.path)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != "/api/all_data/csv/by_indicator_id" or self.status != 200:
            self.send_error(self.status if self.status != 200 else 404)
            return
        ids = [int(i) for i in query["indicator_ids"][0].split(",")]
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerows(self.responses[0])
        for indicator_id in ids:
            writer.writerows(self.responses.get(indicator_id, []))
        body = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def api_server(shared_file):
    _FingertipsApi.responses = _recorded_responses(shared_file)
    _FingertipsApi.requests = []
    _FingertipsApi.status = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FingertipsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetch_end_to_end(api_server, tmp_path, shared_file, capsys):
    out = tmp_path / "official" / "fingertips"
    code = main(["fetch", "--indicator", "93356", "--indicator", str(HLE_ID), "--out", str(out),
                 "--api-url", api_server])
    assert code == 0, capsys.readouterr().err
    [request] = _FingertipsApi.requests
    assert f"indicator_ids=93356,{HLE_ID}&child_area_type_id=402" in request
    download = out / f"fingertips_93356-{HLE_ID}_at402.csv"
    assert download.read_bytes().startswith(b'\xef\xbb\xbf"IndicatorID"')
    # the loader reads the download as it is saved, with the real values
    frame = load_fingertips_export(download)
    classic = load_fingertips_export(shared_file(CAMPYLOBACTER))
    campylobacter = frame[frame["indicator_id"] == 93356].reset_index(drop=True)
    pd.testing.assert_frame_equal(campylobacter, classic)
    sefton = frame[(frame["area_code"] == "E08000014") & (frame["indicator_id"] == HLE_ID)
                   & (frame["period"] == "2015") & (frame["age"] == "All ages")]
    assert round(float(sefton["value"].iloc[0]), 2) == 81.47
    metadata = load_indicator_metadata(out / "indicator_metadata.csv")
    rows = metadata.set_index("indicator_id")
    assert rows.loc[93356, "indicator_name"] == "Campylobacter incidence rate/100,000"
    assert rows.loc[93356, "polarity"] == "no_judgement"
    # the suite's curated metadata is kept for its own indicators
    assert (rows.loc[HLE_ID, "domain"], rows.loc[HLE_ID, "polarity"]) == (
        "Life expectancy", "high_is_good")
    assert "saved to" in capsys.readouterr().out


def test_fetch_several_area_types(api_server, tmp_path, capsys):
    out = tmp_path / "fingertips"
    assert main(["fetch", "--indicator", "93356", "--area-type", "402", "--area-type", "502",
                 "--out", str(out), "--api-url", api_server]) == 0, capsys.readouterr().err
    assert [r.split("child_area_type_id=")[1] for r in _FingertipsApi.requests] == ["402", "502"]
    assert sorted(p.name for p in out.glob("fingertips_*.csv")) == [
        "fingertips_93356_at402.csv", "fingertips_93356_at502.csv"]


def test_fetch_default_ids_are_the_real_jsna_indicators(api_server, tmp_path, monkeypatch,
                                                        capsys):
    monkeypatch.setenv(fingertips_api.API_BASE_ENV, api_server)
    out = tmp_path / "fingertips"
    assert main(["fetch", "--out", str(out)]) == 0, capsys.readouterr().err
    [request] = _FingertipsApi.requests
    ids = [int(i) for i in urllib.parse.parse_qs(
        urllib.parse.urlsplit(request).query)["indicator_ids"][0].split(",")]
    assert HLE_ID in ids and 93764 in ids and len(ids) >= 10
    assert all(i < fingertips_api.ILLUSTRATIVE_ID_MIN for i in ids)
    metadata = load_indicator_metadata(out / "indicator_metadata.csv")
    assert metadata["indicator_id"].tolist() == [HLE_ID]  # the only one the server knows
    assert (metadata["indicator_id"] < 990_000).all()


def test_fetch_illustrative_ids_refused(tmp_path, capsys):
    assert main(["fetch", "--indicator", "990001", "--out", str(tmp_path)]) == 2
    assert "not Fingertips ids: 990001" in capsys.readouterr().err


def test_fetch_unreachable_api_exit_3(tmp_path, capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "fingertips"
    code = main(["fetch", "--indicator", "93356", "--out", str(out),
                 "--api-url", f"http://127.0.0.1:{port}/api", "--timeout", "5"])
    err = capsys.readouterr().err
    assert code == 3
    assert "could not reach the Fingertips API: " in err and "refused" in err.lower()
    assert "problem in the input data" not in err
    assert not out.exists()  # nothing created when the API cannot be reached


def test_fetch_http_error_exit_3_and_empty_answer_exit_2(api_server, tmp_path, capsys):
    _FingertipsApi.status = 500
    out = tmp_path / "fingertips"
    assert main(["fetch", "--indicator", "93356", "--out", str(out), "--api-url",
                 api_server]) == 3
    assert "could not reach the Fingertips API: HTTP 500" in capsys.readouterr().err
    _FingertipsApi.status = 200
    assert not out.exists()
    out.mkdir()
    previous = out / "fingertips_12345_at402.csv"
    previous.write_text("previous", encoding="utf-8")
    assert main(["fetch", "--indicator", "12345", "--out", str(out), "--api-url",
                 api_server]) == 2
    err = capsys.readouterr().err
    assert "the answer has a header but no data rows" in err and "127.0.0.1" in err
    assert previous.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in out.iterdir()) == [previous.name]


def test_suite_metadata_keeps_the_curated_list_after_a_narrow_fetch(tmp_path):
    demo = tmp_path / "demo" / "fingertips"
    official = tmp_path / "official" / "fingertips"
    demo.mkdir(parents=True)
    official.mkdir(parents=True)
    header = "indicator_id,indicator_name,domain,polarity,unit,value_type,multiplier\n"
    (demo / "indicator_metadata.csv").write_text(
        header + "90362,Healthy life expectancy,Life expectancy,high_is_good,years,mean,1\n"
        "990001,Illustrative,Older age,no_judgement,%,proportion,100\n"
        "93764,Alcohol admissions,Mental health,low_is_good,per 100000,DSR,100000\n",
        encoding="utf-8")
    (official / "indicator_metadata.csv").write_text(
        header + "90362,Healthy life expectancy at birth,Life expectancy,high_is_good,years,"
        "mean,1\n", encoding="utf-8")
    metadata = fingertips_api.suite_indicator_metadata(tmp_path)
    assert metadata["indicator_id"].tolist() == [90362, 93764, 990001]
    assert metadata["indicator_name"].iloc[0] == "Healthy life expectancy at birth"
    assert fingertips_api.real_indicator_ids(metadata) == [90362, 93764]


def test_fetch_with_a_broken_metadata_file_says_so(tmp_path, monkeypatch, capsys):
    from asclib import paths

    broken = tmp_path / "official" / "fingertips" / "indicator_metadata.csv"
    broken.parent.mkdir(parents=True)
    broken.write_text("indicator_id,indicator_name\nx,y\n", encoding="utf-8")
    monkeypatch.setattr(paths, "RAW_DATA_DIR", tmp_path)
    assert main(["fetch", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "indicator_metadata.csv" in err and "correct or delete it" in err
    assert "Traceback" not in err


def test_fetch_download_is_prepared_as_it_is(api_server, tmp_path, capsys):
    """`asc fetch` into a raw folder's official/ and `asc prepare` reads both files as saved:
    the indicators table then holds the real downloaded values (not the illustrative ones)
    for the indicators fetched, and the download is recorded as a real source."""
    import json
    import shutil

    from asclib.paths import RAW_DATA_DIR

    raw = tmp_path / "raw"
    for part in ("lookups", "published", "demo"):
        shutil.copytree(RAW_DATA_DIR / part, raw / part,
                        ignore=shutil.ignore_patterns("council"))
    out = raw / "official" / "fingertips"
    assert main(["fetch", "--indicator", "93356", "--indicator", str(HLE_ID), "--out", str(out),
                 "--api-url", api_server]) == 0, capsys.readouterr().err
    processed = tmp_path / "processed"
    assert main(["prepare", "--data", str(raw), "--processed", str(processed)]) == 0, \
        capsys.readouterr().err
    indicators = pd.read_parquet(processed / "indicators.parquet")
    sefton = indicators[(indicators["area_code"] == "E08000014")
                        & (indicators["indicator_id"] == HLE_ID)
                        & (indicators["period"] == "2015") & (indicators["age"] == "All ages")]
    assert round(float(sefton["value"].iloc[0]), 2) == 81.47
    assert (indicators["indicator_id"] == 93356).any()
    manifest = json.loads((processed / "_manifest.json").read_text(encoding="utf-8"))
    sources = {s["path"].rsplit("/", 1)[-1]: s for s in manifest["tables"]["indicators"]["sources"]}
    download = sources[f"fingertips_93356-{HLE_ID}_at402.csv"]
    assert download["illustrative"] is False
    assert not manifest.get("not_used")
