"""The HTML report for managers, built from an executed notebook.

Layout: the title once (``<h1>`` and ``<title>``, naming the analysis and the council), the
area/period/source line, a banner naming the sections that rest on illustrative data, the key
messages (``Report.key_messages``; else the key figures), a contents list, then each section
in notebook order: its narrative, charts and short tables, then its long tables collapsed in a
``<details>`` (printed open). Methods sections go last. No code, no prompts, no analyst-only
cells (tag ``analyst-only``), no "how to run" instructions, no stderr.

The page is self-contained: one inline stylesheet, no script, figures embedded as data URIs,
no external URL in any ``src``/``href``/``@import``; all text from data is escaped (Markdown
is rendered with raw HTML escaped).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asclib import formatting
from asclib.reporting import labels, tables
from asclib.reporting.mime import (
    ANALYST_ONLY_TAG,
    CONTEXT_MIME,
    FIGURE_MIME,
    HEADLINES_MIME,
    KEY_MESSAGES_MIME,
    TABLE_MIME,
)

#: Rows of a long table in the page (the workbook has every row).
HTML_MAX_ROWS = 300
#: Section headings moved to the end of the report.
METHODS_HEADING = re.compile(
    r"^(methods?|methodology|notes on (the )?methods?|about the data|data and methods?"
    r"|sources and methods?|technical notes?|definitions)\b", re.IGNORECASE)
#: The notebook's closing section that only holds the headline figures for the manifest.
KEY_FIGURES_HEADING = re.compile(r"^(key figures|summary)$", re.IGNORECASE)
#: Paragraphs for analysts that never reach the report, even in an untagged cell.
_ANALYST_PARAGRAPH = re.compile(
    r"^\**how to run|papermill|pip install|conda install|make lab|jupyter lab", re.IGNORECASE)


@dataclass
class Block:
    kind: str  # "markdown" (author), "output_markdown" (generated), "table", "figure", "text"
    content: Any
    illustrative: bool | None = None


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 2

    @property
    def illustrative(self) -> bool:
        return any(b.illustrative for b in self.blocks)

    @property
    def anchor(self) -> str:
        return "s-" + re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")


def _markdown(text: str) -> str:
    """Markdown to HTML with any raw HTML escaped (text from data never becomes markup)."""
    import mistune

    renderer = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return str(renderer(text))


def _demote_headings(rendered: str, top: int = 3) -> str:
    """Headings inside generated Markdown become ``<h3>`` or below (one ``<h1>`` per page)."""
    def repl(match: re.Match[str]) -> str:
        level = max(int(match.group(2)), top)
        return f"<{match.group(1)}h{min(level, 6)}"
    return re.sub(r"<(/?)h([1-6])", repl, rendered)


def _split_markdown(source: str) -> list[tuple[str, Any]]:
    """An author's Markdown cell as ("heading", (level, text)) and ("text", markdown) parts,
    with "how to run" paragraphs dropped."""
    parts: list[tuple[str, Any]] = []
    buffer: list[str] = []
    fenced = False

    def flush() -> None:
        text = "\n".join(buffer).strip()
        buffer.clear()
        if not text:
            return
        paragraphs = [p for p in re.split(r"\n\s*\n", text)
                      if not _ANALYST_PARAGRAPH.search(p.strip())]
        if paragraphs:
            parts.append(("text", "\n\n".join(paragraphs)))

    for line in source.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
        match = None if fenced else re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match:
            flush()
            parts.append(("heading", (len(match.group(1)), match.group(2))))
        else:
            buffer.append(line)
    flush()
    return parts


@dataclass
class Page:
    context: dict[str, Any]
    intro: Section
    sections: list[Section]
    key_messages: list[str]
    headlines: dict[str, Any]


def collect(notebook: Mapping[str, Any], context: Mapping[str, Any]) -> Page:
    """The report's parts, read from an executed notebook."""
    intro = Section("")
    sections: list[Section] = []
    current = intro
    key_messages: list[str] = []
    headlines: dict[str, Any] = {}
    default_illustrative = bool(context.get("illustrative"))
    title_seen = False
    for cell in notebook.get("cells", []):
        tags = (cell.get("metadata") or {}).get("tags") or []
        if ANALYST_ONLY_TAG in tags:
            continue
        if cell.get("cell_type") == "markdown":
            for kind, value in _split_markdown(str(cell.get("source") or "")):
                if kind == "text":
                    current.blocks.append(Block("markdown", value))
                    continue
                level, text = value
                if level == 1 and not title_seen:
                    title_seen = True  # the notebook's own title: the page header shows it
                    continue
                if level <= 2:
                    current = Section(text)
                    sections.append(current)
                else:
                    current.blocks.append(Block("subheading", (min(level, 4), text)))
            continue
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []) or []:
            otype = output.get("output_type")
            if otype == "stream":
                if output.get("name") == "stdout" and str(output.get("text", "")).strip():
                    current.blocks.append(Block("text", str(output.get("text"))))
                continue
            if otype not in ("display_data", "execute_result"):
                continue
            data = output.get("data") or {}
            metadata = output.get("metadata") or {}
            if KEY_MESSAGES_MIME in data:
                key_messages.extend(str(m) for m in data[KEY_MESSAGES_MIME])
                continue
            if HEADLINES_MIME in data:
                headlines.update(dict(data[HEADLINES_MIME]))
                continue
            if CONTEXT_MIME in data:
                continue  # the opening section: the page header replaces it
            if TABLE_MIME in data:
                payload = dict(data[TABLE_MIME])
                flag = payload.get("illustrative")
                current.blocks.append(Block("table", payload, default_illustrative
                                            if flag is None else bool(flag)))
                continue
            if "image/png" in data:
                info = metadata.get(FIGURE_MIME) or {}
                flag = info.get("illustrative")
                current.blocks.append(Block(
                    "figure", {"png": data["image/png"], "alt": info.get("alt") or ""},
                    default_illustrative if flag is None else bool(flag)))
                continue
            if "text/markdown" in data:
                current.blocks.append(Block("output_markdown", str(data["text/markdown"])))
    return Page(dict(context), intro, sections, key_messages, headlines)


# --------------------------------------------------------------------------- rendering


def _provenance(illustrative: bool | None) -> str:
    if illustrative is None:
        return ""
    if illustrative:
        return (' <span class="prov illustrative">Illustrative data: generated records, '
                "not real</span>")
    return ' <span class="prov real">Real data</span>'


def _figure(block: Block, section: Section, number: int) -> str:
    png = re.sub(r"\s+", "", str(block.content["png"]))
    alt = str(block.content.get("alt") or "").strip()
    if not alt:
        alt = (f"Chart {number}, in the section “{section.heading or 'Introduction'}” "
               "(the notebook gave no description of it).")
    return (f'<figure class="chart"><img src="data:image/png;base64,{png}" '
            f'alt="{html.escape(alt, quote=True)}">'
            f"<figcaption>{_provenance(block.illustrative).strip()}</figcaption></figure>")


def _long_table(block: Block) -> str:
    payload = block.content
    title = html.escape(str(payload.get("title") or payload["name"]))
    rows = len(payload["data"])
    screen = tables.table_html(payload, max_rows=HTML_MAX_ROWS,
                               provenance=_provenance(block.illustrative))
    return (f'<details class="long-table screen-only"><summary>Table: {title} ({rows:,} rows)'
            f"</summary>{screen}</details>"
            f'<div class="print-only">{screen}</div>')


def _section_html(section: Section, *, figure_start: int = 1) -> tuple[str, int]:
    parts: list[str] = []
    deferred: list[str] = []
    number = figure_start
    for block in section.blocks:
        if block.kind == "markdown" or block.kind == "output_markdown":
            parts.append(_demote_headings(_markdown(block.content)))
        elif block.kind == "subheading":
            level, text = block.content
            parts.append(f"<h{level}>{html.escape(text)}</h{level}>")
        elif block.kind == "text":
            parts.append(f"<pre>{html.escape(block.content)}</pre>")
        elif block.kind == "figure":
            parts.append(_figure(block, section, number))
            number += 1
        elif block.kind == "table":
            if len(block.content["data"]) > tables.LONG_TABLE_ROWS:
                deferred.append(_long_table(block))
            else:
                parts.append(tables.table_html(block.content,
                                               provenance=_provenance(block.illustrative)))
    body = "\n".join(parts + deferred)
    if section.heading:
        body = (f'<section aria-labelledby="{section.anchor}"><h2 id="{section.anchor}">'
                f"{html.escape(section.heading)}</h2>\n{body}</section>")
    return body, number


def _header(page: Page, illustrative_sections: Sequence[str], any_real: bool) -> str:
    ctx = page.context
    esc = html.escape
    area = f"{ctx.get('area_name', '')} ({ctx.get('area_code', '')})"
    parts = [f"<header><h1>{esc(heading_title(ctx))}</h1>",
             '<p class="meta">',
             f"<strong>Area:</strong> {esc(area)} · <strong>Period:</strong> "
             f"{esc(str(ctx.get('period', '')))} · <strong>Data as at:</strong> "
             f"{esc(str(ctx.get('data_date', '')))}<br>",
             f"<strong>Data source:</strong> {esc(str(ctx.get('source', '')))}"]
    for key, value in (ctx.get("extra") or {}).items():
        parts.append(f"<br><strong>{esc(str(key))}:</strong> {esc(str(value))}")
    parts.append("</p>")
    if illustrative_sections or (ctx.get("illustrative") and not any_real):
        where = ("Sections resting on illustrative data: "
                 + "; ".join(esc(s) for s in illustrative_sections) + ". ") \
            if illustrative_sections else ""
        rest = "Every other section uses real published data. " if any_real else ""
        parts.append(
            '<div class="banner" role="note"><strong>ILLUSTRATIVE DATA.</strong> '
            f"{where}Their figures come from generated demonstration records, not real "
            f"records: do not use them for decisions. {rest}</div>")
    parts.append("</header>")
    return "\n".join(parts)


def heading_title(context: Mapping[str, Any]) -> str:
    """The report's one title: the analysis and the council ("Covid-19 impact: Sefton")."""
    title = str(context.get("title") or "Report")
    area = str(context.get("area_name") or "")
    return f"{title}: {area}" if area and area not in title else title


def _key_messages(page: Page) -> str:
    """The key messages (when the notebook gives them), then the key figures."""
    parts = []
    if page.key_messages:
        items = "".join(f"<li>{_inline(m)}</li>" for m in page.key_messages)
        parts.append('<section class="key-messages" aria-labelledby="key-messages">'
                     f'<h2 id="key-messages">Key messages</h2><ul>{items}</ul></section>')
    if page.headlines:
        rows = []
        for key, value in page.headlines.items():
            fmt = labels.column_formats([key], [[value]])[0]
            text = fmt.text(value)
            if fmt.kind == "money" and isinstance(value, int | float) and abs(value) >= 1e6:
                text = formatting.money(value, style="millions")
            rows.append(f'<tr><th scope="row">{html.escape(labels.label(key))}</th>'
                        f'<td class="num">{html.escape(text)}</td></tr>')
        heading = "h3" if page.key_messages else "h2"
        css = "key-figures-box" if page.key_messages else "key-messages"
        parts.append(f'<section class="{css}" aria-labelledby="key-figures">'
                     f'<{heading} id="key-figures">Key figures</{heading}>'
                     f'<table class="asclib-table key-figures"><tbody>{"".join(rows)}'
                     "</tbody></table></section>")
    return "\n".join(parts)


def _inline(text: str) -> str:
    rendered = _markdown(text).strip()
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.DOTALL)
    return match.group(1) if match else rendered


def render(page: Page) -> str:
    """The whole page as one self-contained HTML document."""
    body_sections = [s for s in page.sections if not KEY_FIGURES_HEADING.match(s.heading)
                     or any(b.kind in {"table", "figure"} for b in s.blocks)]
    ordinary = [s for s in body_sections if not METHODS_HEADING.match(s.heading)]
    methods = [s for s in body_sections if METHODS_HEADING.match(s.heading)]
    ordered = ordinary + methods
    all_blocks = [b for s in [page.intro, *ordered] for b in s.blocks
                  if b.kind in {"table", "figure"}]
    illustrative_sections = [s.heading or "Introduction" for s in [page.intro, *ordered]
                             if s.illustrative]
    any_real = any(b.illustrative is False for b in all_blocks)
    parts = [_header(page, illustrative_sections, any_real), "<main>", _key_messages(page)]
    if len(ordered) > 2:
        links = "".join(f'<li><a href="#{s.anchor}">{html.escape(s.heading)}</a></li>'
                        for s in ordered)
        parts.append(f'<nav aria-label="Contents" class="contents"><h2 id="contents">Contents'
                     f"</h2><ol>{links}</ol></nav>")
    number = 1
    intro_html, number = _section_html(page.intro, figure_start=number)
    if intro_html.strip():
        parts.append(f'<div class="intro">{intro_html}</div>')
    for section in ordered:
        text, number = _section_html(section, figure_start=number)
        parts.append(text)
    parts.append("</main>")
    title = heading_title(page.context)
    code = str(page.context.get("area_code") or "")
    full_title = f"{title} ({code})" if code else title
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(full_title)}</title>\n<style>{STYLESHEET}</style>\n</head>\n"
            "<body>\n" + "\n".join(p for p in parts if p) + "\n</body>\n</html>\n")


def write_html(notebook: Any, record: Any, path: str | Path) -> Path:
    """Write the managers' report (see the module docstring) to ``path``."""
    page = collect(dict(notebook), record.context)
    if not page.headlines:
        page.headlines = dict(getattr(record, "headlines", {}) or {})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(page), encoding="utf-8")
    return path


STYLESHEET = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", Arial, "Helvetica Neue", "Noto Sans", "Noto Sans CJK JP",
       sans-serif; font-size: 15px; line-height: 1.45; color: #1a1a1a; margin: 0;
       background: #fff; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
h1 { font-size: 1.8em; margin: 0.8em 0 0.3em; }
h2 { font-size: 1.35em; margin: 1.6em 0 0.4em; border-bottom: 2px solid #0072B2;
     padding-bottom: 0.15em; }
h3 { font-size: 1.12em; margin: 1.2em 0 0.3em; }
h4 { font-size: 1em; }
p.meta { color: #333; margin: 0.2em 0 0.8em; }
.banner { background: #fff4e5; border-left: 6px solid #C00000; padding: 0.6em 1em;
          margin: 0.6em 0 1em; }
.key-messages { background: #eef5fb; border-left: 6px solid #0072B2; padding: 0.2em 1em 0.6em;
                margin: 1em 0; }
.key-messages h2 { border: 0; margin-top: 0.6em; }
.key-messages li { margin: 0.3em 0; }
nav.contents ol { columns: 2; margin: 0; }
nav.contents h2 { font-size: 1.1em; border: 0; }
figure.chart { margin: 1em 0; }
figure.chart img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85em; color: #444; }
.prov { font-size: 0.8em; font-weight: normal; padding: 0.05em 0.4em; border-radius: 3px;
        margin-left: 0.4em; white-space: nowrap; }
.prov.illustrative { background: #fde2e2; color: #7f0000; border: 1px solid #C00000; }
.prov.real { background: #e6f2ea; color: #1e5631; border: 1px solid #2e7d32; }
table.asclib-table { border-collapse: collapse; width: auto; max-width: 100%; margin: 0.6em 0;
                     font-size: 13px; }
table.asclib-table.wide { width: 100%; }
table.asclib-table caption { text-align: left; font-weight: bold; padding: 0.3em 0;
                             caption-side: top; }
table.asclib-table th, table.asclib-table td { border: 1px solid #c8c8c8;
    padding: 3px 6px; vertical-align: top; overflow-wrap: break-word; }
table.asclib-table th { background: #e8eef5; white-space: normal; font-weight: 600; }
table.asclib-table td.num, table.asclib-table th.num { text-align: right; }
table.asclib-table td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.asclib-table td.txt, table.asclib-table th.txt { text-align: left; }
table.asclib-table tbody tr:nth-child(even) { background: #f7f7f7; }
table.key-figures th { text-align: left; background: transparent; font-weight: normal; }
p.asclib-note { font-size: 0.85em; color: #444; margin-top: 0.2em; }
details.long-table { margin: 0.8em 0; }
details.long-table summary { cursor: pointer; font-weight: 600; color: #0b4f8a; }
.print-only { display: none; }
pre { white-space: pre-wrap; font-size: 0.85em; background: #f5f5f5; padding: 0.5em; }
@page { size: A4; margin: 14mm 12mm; }
@page wide { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 10.5pt; }
  header, main { max-width: none; padding: 0; }
  .screen-only { display: none !important; }
  .print-only { display: block; }
  nav.contents { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure.chart, .table-block { break-inside: avoid; page-break-inside: avoid; }
  figure.chart img { max-height: 24cm; }
  table.asclib-table { font-size: 8pt; width: 100%; }
  .table-block.wide { page: wide; }
  table.asclib-table.wide { font-size: 7.5pt; }
  table.asclib-table thead { display: table-header-group; }
  table.asclib-table tr { break-inside: avoid; page-break-inside: avoid; }
  .banner, .key-messages { break-inside: avoid; }
}
"""
