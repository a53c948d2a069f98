"""The ``asc`` command: run, validate, prepare, sources, demo-data, fetch.

Exit codes: 0 all good; 1 a notebook (or a download) failed; 2 bad usage or bad input data.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from asclib import paths

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3  # asc fetch: the Fingertips API could not be reached

_AREA_CODE = re.compile(r"^[EWSN]\d{8}$")
_PERIOD = re.compile(r"^(\d{4})/(\d{2})$")
_FALSE_WORDS = {"false", "0", "no", "n", ""}


class UsageError(Exception):
    """Bad usage or bad input detected before any notebook runs (exit code 2)."""


# --------------------------------------------------------------------------- argument types


def period_type(text: str) -> str:
    """A financial year ``YYYY/YY`` whose second part is the year after the first."""
    match = _PERIOD.match(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise argparse.ArgumentTypeError(
            f"invalid period {text!r}: use a financial year like 2020/21"
        )
    return text


def area_code_type(text: str) -> str:
    code = text.strip().upper()
    if not _AREA_CODE.match(code):
        raise argparse.ArgumentTypeError(
            f"invalid area code {text!r}: use a 9-character ONS code such as E08000014"
        )
    return code


def demo_area_type(text: str) -> str:
    """``all`` or an area code (council or region) for ``asc demo-data --area``."""
    if text.strip().lower() == "all":
        return "all"
    return area_code_type(text)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asc",
        description="Adult social care notebook suite: prepare data and run the reports.",
        epilog="Exit codes: 0 ok, 1 a notebook failed, 2 bad usage or bad input data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser(
        "run",
        help="validate and prepare the data, then run the notebooks for each area",
        description="Validate the raw data, prepare the processed tables, then execute the "
        "notebooks for each area into OUT/<area>/ (ipynb, html, xlsx, manifest.json).",
    )
    run.add_argument(
        "--area",
        action="append",
        type=area_code_type,
        metavar="CODE",
        help="ONS code of a council; repeat for a batch (default: the notebooks' own default)",
    )
    run.add_argument("--period", type=period_type, metavar="YYYY/YY", help="financial year")
    run.add_argument(
        "--comparators",
        metavar="GROUP",
        help='comparator group: "nearest_neighbours", "region", "tier" or a comma list of codes',
    )
    run.add_argument(
        "--notebook",
        action="append",
        metavar="NAME",
        help="a notebook name without .ipynb; repeat for several (default: all)",
    )
    run.add_argument(
        "--notebooks-dir",
        type=Path,
        default=paths.NOTEBOOKS_DIR,
        metavar="DIR",
        help="folder of notebooks (default: the project's notebooks/)",
    )
    run.add_argument(
        "--data", type=Path, default=paths.RAW_DATA_DIR, metavar="DIR", help="raw data folder"
    )
    run.add_argument(
        "--processed",
        type=Path,
        metavar="DIR",
        help="processed data folder (default: data/processed for the bundled data, "
        "otherwise OUT/.processed)",
    )
    run.add_argument(
        "--no-prepare",
        action="store_true",
        help="use the processed folder as it is (skip validation and preparation)",
    )
    run.add_argument(
        "--out", type=Path, default=paths.REPORTS_DIR, metavar="DIR", help="output folder"
    )
    run.add_argument(
        "--jobs", type=positive_int, default=1, metavar="N", help="notebooks run in parallel"
    )
    run.add_argument(
        "--timeout",
        type=positive_float,
        metavar="S",
        help="fail a notebook that runs longer than S seconds",
    )
    run.set_defaults(handler=cmd_run)

    validate = sub.add_parser(
        "validate", help="check every input file; one line per problem (exit 2 if any)"
    )
    validate.add_argument("--data", type=Path, default=paths.RAW_DATA_DIR, metavar="DIR")
    validate.add_argument("--area", action="append", type=area_code_type, metavar="CODE")
    validate.add_argument("--list", action="store_true",
                          help="also list every raw file (as `asc sources` does)")
    validate.set_defaults(handler=cmd_validate)

    sources = sub.add_parser(
        "sources", help="one line per raw file: kind, edition, areas, periods, rows",
        description="List every raw file the suite would read (official drop-ins recognised "
                    "by content, bundled extracts, demo records, council exports) and the files "
                    "it will not use, with the reason.")
    sources.add_argument("--data", type=Path, default=paths.RAW_DATA_DIR, metavar="DIR")
    sources.set_defaults(handler=cmd_sources)

    prepare = sub.add_parser("prepare", help="validate the raw data and write processed tables")
    prepare.add_argument("--data", type=Path, default=paths.RAW_DATA_DIR, metavar="DIR")
    prepare.add_argument("--processed", type=Path, default=paths.PROCESSED_DATA_DIR, metavar="DIR")
    prepare.add_argument("--area", action="append", type=area_code_type, metavar="CODE")
    prepare.set_defaults(handler=cmd_prepare)

    demo = sub.add_parser(
        "demo-data", help="write the illustrative (made-up) demo data",
        description="Without --area: regenerate the bundled illustrative set (Sefton and its "
        "nearest neighbours, the Fingertips export, weekly deaths). With --area: the council "
        "exports of those councils (folders of councils beyond the bundled ones are "
        "git-ignored).")
    demo.add_argument("--out", type=Path, default=paths.RAW_DATA_DIR / "demo", metavar="DIR")
    demo.add_argument("--area", action="append", type=demo_area_type, metavar="CODE",
                      help='a council code, a region code (E12...: its councils) or "all" '
                      "(every English council with adult social care responsibilities); "
                      "repeatable")
    demo.set_defaults(handler=cmd_demo_data)

    fetch = sub.add_parser(
        "fetch",
        help="download current Fingertips indicators into data/raw/official/fingertips "
        "(needs the internet; exit 3 when the API cannot be reached)",
    )
    fetch.add_argument(
        "--indicator",
        action="append",
        type=int,
        metavar="ID",
        help="Fingertips indicator id; repeat for several (default: the suite's real JSNA "
        "indicators; the illustrative 99000x ids are never requested)",
    )
    fetch.add_argument(
        "--area-type",
        action="append",
        type=int,
        metavar="ID",
        help="Fingertips area type id; repeat for several, one file each (default 402: "
        "upper-tier local authorities from 2021, i.e. every council with ASC responsibilities)",
    )
    fetch.add_argument(
        "--out", type=Path, default=paths.RAW_DATA_DIR / "official" / "fingertips",
        metavar="DIR",
    )
    fetch.add_argument(
        "--api-url",
        metavar="URL",
        help="Fingertips API address (default $ASC_FINGERTIPS_API, else "
        "https://fingertips.phe.org.uk/api)",
    )
    fetch.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS")
    fetch.set_defaults(handler=cmd_fetch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``asc`` console script; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or bad usage (2)
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"asc {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"asc {args.command}: interrupted", file=sys.stderr)
        return 130


# --------------------------------------------------------------------------- helpers


def _print_problems(command: str, problems: Sequence[object]) -> None:
    for problem in problems:
        print(str(problem), file=sys.stderr)
    noun = "problem" if len(problems) == 1 else "problems"
    print(f"asc {command}: {len(problems)} {noun} in the input data", file=sys.stderr)


def _validate(data_dir: Path, areas: Sequence[str] | None) -> list:
    from asclib.prepare import validate

    if not data_dir.is_dir():
        raise UsageError(f"data folder not found: {data_dir}")
    return list(validate(data_dir, areas=list(areas) if areas else None))


def select_notebooks(folder: Path, names: Sequence[str] | None) -> list[Path]:
    """The notebooks to run: all ``folder/*.ipynb`` or the named ones (names without .ipynb)."""
    available = {p.stem: p for p in sorted(folder.glob("*.ipynb"))}
    if not names:
        if not available:
            raise UsageError(f"no notebooks found in {folder}")
        return list(available.values())
    chosen = []
    for name in names:
        stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
        if stem not in available:
            listing = ", ".join(available) or "none"
            raise UsageError(f"unknown notebook {name!r} in {folder} (available: {listing})")
        chosen.append(available[stem])
    return chosen


def _read_lookup(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {row["area_code"]: row for row in csv.DictReader(handle) if row.get("area_code")}


def check_areas(areas: Sequence[str], lookup_file: Path) -> None:
    """Raise :class:`UsageError` for a code not in the lookup or not an ASC authority."""
    if not lookup_file.exists():
        return
    lookup = _read_lookup(lookup_file)
    problems = []
    for code in areas:
        if code not in lookup:
            close = difflib.get_close_matches(code, lookup, n=1, cutoff=0.75)
            hint = ""
            if close:
                hint = f"; did you mean {close[0]} ({lookup[close[0]].get('area_name', '')})?"
            problems.append(f"unknown area code {code} (not in {lookup_file}){hint}")
            continue
        flag = str(lookup[code].get("asc_authority", "true")).strip().lower()
        if "asc_authority" in lookup[code] and flag in _FALSE_WORDS:
            problems.append(
                f"{code} ({lookup[code].get('area_name', '')}) is not an adult social care "
                "authority; use the county or unitary council's code"
            )
    if problems:
        raise UsageError("\n".join(problems))


# --------------------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace) -> int:
    from asclib import runner
    from asclib.errors import InputDataError

    notebooks = select_notebooks(args.notebooks_dir, args.notebook)
    raw_dir: Path = args.data
    out_dir: Path = args.out
    if args.processed is not None:
        processed: Path = args.processed
    elif raw_dir.resolve() == paths.RAW_DATA_DIR.resolve():
        processed = paths.PROCESSED_DATA_DIR
    else:
        processed = out_dir / ".processed"

    areas: list[str] = list(dict.fromkeys(args.area or []))
    if not areas:
        defaults = {runner.notebook_defaults(nb).get("area_code") for nb in notebooks}
        areas = sorted(code for code in defaults if isinstance(code, str))
        if not areas:
            raise UsageError("no --area given and the notebooks have no default area_code")

    pre_lookup = processed / "local_authorities.csv"
    if not pre_lookup.exists():
        pre_lookup = raw_dir / "lookups" / "local_authorities.csv"
    check_areas(areas, pre_lookup)

    if not args.no_prepare:
        problems = _validate(raw_dir, areas)
        if problems:
            _print_problems("run", problems)
            print("asc run: nothing was run; fix the data and try again", file=sys.stderr)
            return EXIT_BAD_INPUT
        from asclib.prepare import is_up_to_date, prepare

        # Prepare every council's files, not only this run's areas: the processed folder is
        # shared with JupyterLab and other runs, and must not shrink to the areas of one run.
        if not is_up_to_date(raw_dir, processed):
            try:
                prepare(raw_dir, processed)
            except InputDataError as exc:
                _print_problems("run", exc.problems)
                return EXIT_BAD_INPUT
    elif not processed.is_dir():
        raise UsageError(f"processed data folder not found: {processed} (run `asc prepare`)")
    check_areas(areas, processed / "local_authorities.csv")

    summary = runner.run(
        notebooks,
        areas,
        out_dir=out_dir,
        data_dir=processed,
        period=args.period,
        comparator_group=args.comparators,
        jobs=args.jobs,
        timeout=args.timeout,
    )
    for result in summary.failed:
        print(
            f"asc run: FAILED {result.notebook} for {result.area_code}: "
            f"{(result.error or '').splitlines()[0] if result.error else ''}"
            f" (see {out_dir / result.area_code / 'failed' / (result.notebook + '.ipynb')})",
            file=sys.stderr,
        )
    print(
        f"Reports in {out_dir.resolve()} ({len(summary.results) - len(summary.failed)} ok, "
        f"{len(summary.failed)} failed)"
    )
    return summary.exit_code


def cmd_validate(args: argparse.Namespace) -> int:
    from asclib.prepare import check

    if not args.data.is_dir():
        raise UsageError(f"data folder not found: {args.data}")
    if args.list:
        _print_sources(args.data)
    result = check(args.data, areas=list(args.area) if args.area else None)
    for note in result.notes:
        print(f"note: {note}")
    for message in result.warnings:
        print(f"warning: {message}", file=sys.stderr)
    for item in result.not_used:
        print(f"{item['path']}: not used: {item['reason']}", file=sys.stderr)
    if result.problems:
        _print_problems("validate", result.problems)
    blocking = result.blocking_not_used
    if blocking:
        noun = "file" if len(blocking) == 1 else "files"
        print(f"asc validate: {len(blocking)} {noun} under data/raw/official/ cannot be used "
              "(see above)", file=sys.stderr)
    if result.problems or blocking:
        return EXIT_BAD_INPUT
    print(f"asc validate: no problems found in {args.data}")
    return EXIT_OK


def _print_sources(data_dir: Path) -> None:
    from asclib.prepare import sources_listing

    for item in sources_listing(data_dir):
        if "reason" in item:
            print(f"{item['path']}: {item['kind']}: {item['reason']}")
        else:
            print(f"{item['path']}: {item['kind']}, {item['edition']}, {item['areas']}, "
                  f"periods {item['periods']}, {item['rows']} rows -> {', '.join(item['tables'])}")


def cmd_sources(args: argparse.Namespace) -> int:
    if not args.data.is_dir():
        raise UsageError(f"data folder not found: {args.data}")
    _print_sources(args.data)
    return EXIT_OK


def cmd_prepare(args: argparse.Namespace) -> int:
    from asclib.errors import InputDataError
    from asclib.prepare import prepare

    if not args.data.is_dir():
        raise UsageError(f"data folder not found: {args.data}")
    try:
        result = prepare(args.data, args.processed, areas=args.area)
    except InputDataError as exc:
        _print_problems("prepare", exc.problems)
        return EXIT_BAD_INPUT
    tables = result.get("tables") if isinstance(result, dict) else None
    count = f"{len(tables)} tables" if isinstance(tables, dict) else "tables"
    print(f"asc prepare: wrote {count} to {args.processed}")
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from asclib.demo import generate
    from asclib.errors import InputDataError

    try:
        written = generate(args.out, areas=args.area)
    except InputDataError as exc:
        _print_problems("demo-data", exc.problems)
        return EXIT_BAD_INPUT
    if len(written) <= 60:
        for path in written:
            print(path)
    councils = {p.parent.name for p in written if p.parent.parent.name == "council"}
    print(f"asc demo-data: wrote {len(written)} illustrative files to {args.out} "
          f"({len(councils)} council{'' if len(councils) == 1 else 's'})")
    return EXIT_OK


def _print_fetch_kept(saved: Sequence[Path]) -> None:
    if saved:
        print("asc fetch: saved before the failure (metadata not refreshed): "
              + ", ".join(str(p) for p in saved), file=sys.stderr)
    else:
        print("asc fetch: nothing was changed", file=sys.stderr)


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download the indicators (one CSV) and refresh ``indicator_metadata.csv`` beside it.

    Exit 0 when both are saved, 2 when the answer is not a Fingertips CSV with rows (the
    previous files are kept), 3 when the Fingertips API cannot be reached.
    """
    from asclib.errors import InputDataError
    from asclib.sources import fingertips_api as api

    try:
        known = api.suite_indicator_metadata(paths.RAW_DATA_DIR)
    except InputDataError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        print("asc fetch: the indicator metadata file above is not valid; correct or delete it",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    indicators = args.indicator or api.real_indicator_ids(known)
    illustrative = [i for i in indicators if i >= api.ILLUSTRATIVE_ID_MIN]
    if illustrative:
        raise UsageError(
            "illustrative indicator ids are not Fingertips ids: "
            + ", ".join(str(i) for i in illustrative)
        )
    if not indicators:
        raise UsageError("no --indicator given and no indicator_metadata file to take them from")
    area_types = args.area_type or [api.UPPER_TIER_AREA_TYPE]
    saved: list[Path] = []
    try:
        for area_type in area_types:
            saved.append(api.fetch(indicators, area_type, args.out, base=args.api_url,
                                   timeout=args.timeout))
        for path in saved:
            metadata = api.refresh_metadata(path, known, args.out)
    except api.FingertipsUnreachable as exc:
        print(f"asc fetch: could not reach the Fingertips API: {exc.reason}", file=sys.stderr)
        _print_fetch_kept(saved)
        return EXIT_UNREACHABLE
    except InputDataError as exc:  # the answer was not a valid Fingertips file
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        print("asc fetch: the answer is not a Fingertips indicator CSV with rows; the previous "
              "file was kept", file=sys.stderr)
        _print_fetch_kept(saved)
        return EXIT_BAD_INPUT
    for area_type, path in zip(area_types, saved, strict=True):
        print(f"asc fetch: {len(indicators)} indicators at area type {area_type} saved to {path}")
    print(f"asc fetch: indicator metadata refreshed in {metadata}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
