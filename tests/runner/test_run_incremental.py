"""Incremental runs, skipped notebooks and the index pages, on notebooks that read tables
through the real asclib.data layer."""

from __future__ import annotations

import html.parser
import json
from pathlib import Path

import nbformat
import pytest
from run_helpers import AREA, OTHER_AREA, notebook, write_processed

from asclib import cli
from asclib import run as runs

READERS = [notebook("reads_spend"), notebook("reads_staff")]


def _statuses(summary) -> dict[tuple[str, str], str]:
    return {(r.area_code, r.notebook): r.status for r in summary.results}


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory):
    """Three runs over two areas x two notebooks: first, unchanged, then one input changed."""
    base = tmp_path_factory.mktemp("incremental")
    processed = write_processed(base / "processed")
    out = base / "out"

    def once(**changes):
        if changes:
            write_processed(processed, **changes)
        return runs.run(READERS, [AREA, OTHER_AREA], out_dir=out, data_dir=processed,
                        period="2020/21", jobs=2, progress=False)

    first = once()
    published = {p: p.read_bytes() for p in (out / AREA).iterdir() if p.is_file()}
    second = once()
    unchanged = {p: p.read_bytes() for p in (out / AREA).iterdir() if p.is_file()}
    # a new export for Sefton feeds only Sefton's spend notebook
    third = once(spend_sha={AREA: "e" * 64})
    return first, second, third, out, published, unchanged, processed


def test_first_run_executes_everything(incremental) -> None:
    first, *_ = incremental
    assert set(_statuses(first).values()) == {"ok"}
    assert first.exit_code == 0


def test_rerun_without_change_is_up_to_date_and_keeps_files(incremental) -> None:
    _, second, _, out, published, unchanged, _ = incremental
    assert set(_statuses(second).values()) == {"up to date"}
    assert second.exit_code == 0
    assert published == unchanged  # files and manifest byte for byte


def test_changed_input_reruns_only_the_notebooks_reading_it(incremental) -> None:
    third = incremental[2]
    assert _statuses(third) == {
        (AREA, "reads_spend"): "ok",
        (AREA, "reads_staff"): "up to date",
        (OTHER_AREA, "reads_spend"): "up to date",
        (OTHER_AREA, "reads_staff"): "up to date",
    }
    entry = json.loads((incremental[3] / AREA / "manifest.json").read_text())["notebooks"]
    assert entry["reads_spend"]["tables_read"] == ["local_authorities", "spend"]
    assert {"table": "spend", "path": "data/raw/demo/council/E08000014/spend.xlsx",
            "sha256": "e" * 64} in entry["reads_spend"]["input_sources"]
    # lookups are inputs too
    assert {"path": "data/raw/lookups/local_authorities.csv", "sha256": "d" * 64} in \
        entry["reads_spend"]["inputs"]


def test_force_and_changed_parameters_rerun(incremental, tmp_path: Path) -> None:
    out, processed = incremental[3], incremental[6]
    forced = runs.run(READERS[:1], [AREA], out_dir=out, data_dir=processed, period="2020/21",
                      force=True, progress=False)
    assert _statuses(forced) == {(AREA, "reads_spend"): "ok"}
    other_period = runs.run(READERS[:1], [AREA], out_dir=out, data_dir=processed,
                            period="2019/20", progress=False)
    assert _statuses(other_period) == {(AREA, "reads_spend"): "ok"}
    manifest = json.loads((out / AREA / "manifest.json").read_text())
    assert manifest["notebooks"]["reads_spend"]["parameters"]["period"] == "2019/20"
    executed = nbformat.read(out / AREA / "reads_spend.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters["period"] == "2019/20"


# --------------------------------------------------------------------------- skipped


def test_skipped_notebook_keeps_last_good_report_and_exits_0(tmp_path: Path,
                                                             processed: Path) -> None:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "report.ipynb").write_bytes(notebook("reads_spend").read_bytes())
    out = tmp_path / "out"
    good = runs.run([nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=processed,
                    progress=False)
    assert good.exit_code == 0
    html_before = (out / AREA / "report.html").read_bytes()
    (nb_dir / "report.ipynb").write_bytes(notebook("skips").read_bytes())
    skipped = runs.run([nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=processed,
                       progress=False)
    (result,) = skipped.results
    assert result.status == "skipped" and skipped.exit_code == 0
    assert result.reason == f"no day-service placements for {AREA}"
    assert (out / AREA / "report.html").read_bytes() == html_before
    entry = json.loads((out / AREA / "manifest.json").read_text())["notebooks"]["report"]
    assert entry["status"] == "skipped" and entry["files"] == ["skipped/report.ipynb"]
    assert entry["previous_ok"]["headlines"]["total_gbp"] == 14300000.5
    for claimed in entry["files"] + entry["previous_ok"]["files"]:
        assert (out / AREA / claimed).is_file(), claimed
    # nothing changed: the skip is not executed again (same entry), and is still a skip
    again = runs.run([nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=processed,
                     progress=False)
    (result,) = again.results
    assert result.status == "skipped" and again.exit_code == 0
    assert result.reason == f"no day-service placements for {AREA}"
    assert json.loads((out / AREA / "manifest.json").read_text())["notebooks"]["report"] == entry
    # a new council export (another raw source behind a table) makes it run again
    write_processed(processed, spend_sha={AREA: "f" * 64})
    rerun = runs.run([nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=processed,
                     progress=False)
    newer = json.loads((out / AREA / "manifest.json").read_text())["notebooks"]["report"]
    assert rerun.results[0].status == "skipped" and newer["started"] != entry["started"]


def test_period_not_in_data_is_skipped_and_exits_2(tmp_path: Path, processed: Path,
                                                    capsys) -> None:
    out = tmp_path / "out"
    code = cli.main(["run", "--notebooks-dir", str(notebook("period").parent), "--notebook",
                     "period", "--notebook", "skips", "--area", AREA, "--period", "2030/31",
                     "--no-prepare", "--processed", str(processed), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "period 2030/31 is not in the data" in err
    manifest = json.loads((out / AREA / "manifest.json").read_text())
    assert manifest["notebooks"]["period"]["status"] == "skipped"
    assert manifest["notebooks"]["skips"]["status"] == "skipped"
    assert not (out / AREA / "period.html").exists()


# --------------------------------------------------------------------------- index pages


class _Page(html.parser.HTMLParser):
    """Rows of cell texts, links and every src/href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.references: list[str] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.references.append(attrs[name])
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data + " ")


def _parse(path: Path) -> _Page:
    page = _Page()
    text = path.read_text(encoding="utf-8")
    page.feed(text)
    assert "http://" not in text and "https://" not in text
    assert not page.tags & {"script", "link", "img", "iframe"}
    return page


def test_index_pages(incremental) -> None:
    out = incremental[3]
    overview = _parse(out / "index.html")
    body = [row for row in overview.rows if row and row[0] != "Council"]
    assert len(body) == 4
    by_key = {(row[0].split()[-1], row[1].split()[-1]): row for row in body}
    sefton_spend = by_key[(AREA, "reads_spend")]
    assert sefton_spend[0].startswith("Sefton")
    assert "Spend test" in sefton_spend[1]
    assert sefton_spend[2] in ("ok", "up to date")
    assert "ILLUSTRATIVE DATA" in sefton_spend[7]
    assert by_key[(AREA, "reads_staff")][7] == "real data"
    assert by_key[(OTHER_AREA, "reads_spend")][0].startswith("Liverpool")
    assert "2021-03-31" in sefton_spend[6]
    for link in overview.links:
        assert (out / link).is_file(), link
    assert f"{AREA}/reads_spend.html" in overview.links
    area = _parse(out / AREA / "index.html")
    assert "Sefton (E08000014)" in (out / AREA / "index.html").read_text()
    for link in area.links:
        assert (out / AREA / link).is_file(), link
    assert "reads_staff.xlsx" in area.links


def test_index_escapes_input_text(tmp_path: Path) -> None:
    from asclib.run import index

    entry = {"status": "failed", "reason": "<script>alert(1)</script>", "files": [],
             "title": "<b>Budget</b>", "headlines": {}}
    page = index.overview_page([index.Row("E08000014", "Sefton & <Co>", "budget", "failed",
                                          entry)])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Sefton &amp; &lt;Co&gt;" in page and "&lt;b&gt;Budget&lt;/b&gt;" in page
