"""The managers' HTML: self-contained, one title naming the council, key messages first,
readable headers, long tables collapsed after their chart, analyst-only cells dropped."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from asclib import report
from asclib.paths import NOTEBOOKS_DIR

COMMITTED = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every <th>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headers: list[str] = []
        self._in_th = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "th":
            self._in_th = True
            self.headers.append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._in_th:
            self.headers[-1] += data


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


def assert_self_contained(page: str) -> None:
    tags = parse(page)
    for tag, attrs in tags.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, key, value)
        assert tag != "script", "no script at all"
        if tag == "link":
            pytest.fail(f"external stylesheet or resource: {attrs}")
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page)


@pytest.fixture(scope="module")
def committed_pages(tmp_path_factory) -> dict[str, str]:
    if not COMMITTED:
        pytest.skip("no committed notebooks in notebooks/")
    out = tmp_path_factory.mktemp("html")
    pages = {}
    for path in COMMITTED:
        nb = nbformat.read(path, as_version=4)
        pages[path.stem] = report.write_html(nb, report.extract(nb),
                                             out / f"{path.stem}.html").read_text()
    return pages


def test_committed_reports_are_self_contained_and_readable(committed_pages) -> None:
    for name, page in committed_pages.items():
        assert_self_contained(page)
        tags = parse(page)
        assert [t for t, _ in tags.tags].count("h1") == 1, name
        assert tags.headers, name
        for header in tags.headers:
            assert "_" not in header, (name, header)
            assert not re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", header.strip()) or \
                header.strip() in {"n"}, (name, header)
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        assert "Sefton" in title and "E08000014" in title, title
        assert "papermill" not in page.lower(), name
        for tag, attrs in tags.tags:
            if tag == "img":
                assert attrs["src"].startswith("data:image/png;base64,")
                assert len(attrs.get("alt") or "") > 20, name


def test_committed_jsna_keeps_reader_columns(committed_pages) -> None:
    page = committed_pages.get("jsna_indicators")
    if page is None:
        pytest.skip("no JSNA notebook")
    table = re.search(r'<table class="asclib-table[^"]*" id="asclib-indicator_summary">.*?'
                      r"</thead>", page, re.DOTALL).group(0)
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table)
    for needed in ("Indicator", "Unit", "Value", "Lower 95% CI", "Upper 95% CI", "England value",
                   "Compared with England"):
        assert needed in headers, headers
    assert "Period (sort key)" not in headers
    assert len(headers) <= 14
    assert "Lower 99.8% CI" in page.split('id="asclib-indicator_summary"')[1][:20000]  # note


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _notebook() -> tuple[nbformat.NotebookNode, report.NotebookRecord]:
    context = {"title": "Day-service costs", "area_code": "E08000015", "area_name": "Wirral",
               "period": "2020/21", "source": "ledger", "data_date": "2021-03-31",
               "illustrative": True}
    v4 = nbformat.v4
    out = v4.new_output

    def table(name, rows, illustrative):
        return out("display_data", data={report.TABLE_MIME: {
            "name": name, "title": f"Table {name}", "note": None,
            "columns": ["provider", "gross_gbp", "ld_share", "indicator_id", "within_rounding"],
            "data": [[f"P{i}", 1000.0 * i, 0.25, 93764, True] for i in range(rows)],
            "illustrative": illustrative, "sources": ["x"]}, "text/plain": "t"})

    cells = [
        v4.new_markdown_cell("# Day-service costs\n\n**What this answers.** Costs.\n\n"
                             "**How to run it.** `papermill notebooks/x.ipynb out.ipynb`"),
        v4.new_code_cell("start", outputs=[out("display_data", data={
            report.CONTEXT_MIME: context, "text/markdown": "# Day-service costs"})]),
        v4.new_markdown_cell("## Methods\n\nHow we counted."),
        v4.new_markdown_cell("## Rates\n\nNarrative about rates."),
        v4.new_code_cell("t", outputs=[table("long", 40, True),
                                       out("display_data", data={"image/png": _png()},
                                           metadata={report.FIGURE_MIME: {
                                               "alt": "Bar chart of rates by provider.",
                                               "illustrative": True}}),
                                       table("short", 3, False)]),
        v4.new_markdown_cell("## How to run\n\nmake lab"),
        v4.new_code_cell("km", outputs=[out("display_data", data={
            report.KEY_MESSAGES_MIME: ["Wirral's illustrative ledger shows £5.3m.",
                                       "Real ONS deaths rose."], "text/markdown": "x"})]),
        v4.new_code_cell("secret_analyst_code()", outputs=[out("stream", name="stdout",
                                                                text="ANALYST ONLY TEXT")]),
    ]
    cells[5].metadata["tags"] = [report.ANALYST_ONLY_TAG]
    cells[7].metadata["tags"] = [report.ANALYST_ONLY_TAG]
    nb = v4.new_notebook(cells=cells)
    return nb, report.NotebookRecord(context=context)


def test_layout(tmp_path: Path) -> None:
    nb, record = _notebook()
    page = report.write_html(nb, record, tmp_path / "r.html").read_text()
    assert_self_contained(page)
    assert page.count("<h1>") == 1 and "<h1>Day-service costs: Wirral</h1>" in page
    assert "<title>Day-service costs: Wirral (E08000015)</title>" in page
    # key messages right under the header, before any section
    assert page.index("Key messages") < page.index("What this answers") < page.index(">Rates<")
    assert "Wirral&#x27;s illustrative ledger" in page or "Wirral's illustrative ledger" in page
    # methods last; analyst-only and how-to-run gone
    assert page.index(">Rates<") < page.index(">Methods<")
    assert "ANALYST ONLY TEXT" not in page and "papermill" not in page
    assert "make lab" not in page and "How to run" not in page
    # the long table after the chart, collapsed; the short one inline with its label
    rates = page[page.index(">Rates<"):page.index(">Methods<")]
    assert rates.index("<img") < rates.index("<details")
    assert rates.index('id="asclib-short"') < rates.index("<details")
    assert "Table long (40 rows)" in rates
    assert 'alt="Bar chart of rates by provider."' in rates
    # provenance: the illustrative banner names the section; the real table says so
    banner = page[page.index('class="banner"'):page.index("</header>")]
    assert "Rates" in banner and "Methods" not in banner
    short = rates[rates.index('id="asclib-short"'):]
    assert "Real data" in short[:short.index("</caption>")]
    long_caption = rates[rates.index('id="asclib-long"'):]
    assert "Illustrative data" in long_caption[:long_caption.index("</caption>")]
    # readable cells: ids without separators, money, shares, yes/no
    assert ">93764<" in page and ">£39,000<" in page and ">25.0%<" in page and ">Yes<" in page
    assert "Within rounding: Yes/No" in page and "LD share (%)" in page


def test_no_key_messages_falls_back_to_key_figures(tmp_path: Path) -> None:
    nb, record = _notebook()
    nb.cells.pop(6)
    record.headlines = {"gross_budget_gbp": 153_300_000, "ld_share": 0.6}
    page = report.write_html(nb, record, tmp_path / "r.html").read_text()
    assert page.index("Key figures") < page.index(">Rates<")
    assert "£153.3m" in page and "60.0%" in page and "Gross budget (£)" in page
