"""The ``asc`` command: run, validate, prepare, sources, demo-data, fetch.

Exit codes: 0 all good; 1 a notebook (or a download) failed; 2 bad usage or bad input data.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import difflib
import gc
import math
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
ALL_AREAS = "all"
_REGION_CODE = re.compile(r"^E12\d{6}$")
COMPARATOR_GROUPS = ("nearest_neighbours", "region", "tier")


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
    """A positive finite number of seconds (not 0, nan or inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a positive finite number of seconds")
    return value


def area_selection_type(text: str) -> str:
    """An area code, a region code (E12...) or ``all``."""
    if text.strip().lower() == ALL_AREAS:
        return ALL_AREAS
    return area_code_type(text)


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
        "notebooks for each area into OUT/<area>/ (ipynb, html, xlsx, manifest.json, "
        "index.html) and OUT/index.html. Pairs whose notebook, parameters, code and inputs "
        "are unchanged are kept as they are (up to date).",
        epilog="Exit codes: 0 ok (skipped and up to date included); 1 a notebook failed or "
        "the output could not be written; 2 bad usage, bad input data, another run writing "
        "OUT, or a period not in the data; 130/143 stopped by SIGINT/SIGTERM.",
    )
    run.add_argument(
        "--area",
        action="append",
        type=area_selection_type,
        metavar="CODE",
        help='ONS code of a council, a region code (E12...) for its councils, or "all" for '
        "every adult social care council; repeat for a batch (default: the notebooks' own "
        "default)",
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
        help="fail a notebook that runs longer than S seconds (a positive finite number)",
    )
    run.add_argument(
        "--force", action="store_true", help="re-run every notebook, even those up to date"
    )
    run.add_argument(
        "--pdf", action="store_true", help="also write each report as PDF (needs WeasyPrint)"
    )
    run.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start every kernel from scratch instead of forking it from a pre-imported "
        "process (slower; the default forks on Linux)",
    )
    run.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local worker processes (default) or a Dask distributed cluster",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://HOST:8786 (default with --executor dask: a local "
        "cluster of --jobs workers)",
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
    """The lookup of areas by code, from the processed Parquet table or the raw CSV."""
    if path.suffix == ".parquet":
        import pandas as pd

        frame = pd.read_parquet(path).astype("string").fillna("")
        return {str(row["area_code"]): {k: str(v) for k, v in row.items()}
                for row in frame.to_dict("records") if row.get("area_code")}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {row["area_code"]: row for row in csv.DictReader(handle) if row.get("area_code")}


def _lookup_file(processed: Path, raw_dir: Path) -> Path:
    """The lookup a run checks areas against: the prepared table, else the bundled CSV."""
    prepared = processed / "local_authorities.parquet"
    return prepared if prepared.exists() else raw_dir / "lookups" / "local_authorities.csv"


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


def _is_asc_authority(row: dict[str, str]) -> bool:
    return str(row.get("asc_authority", "true")).strip().lower() not in _FALSE_WORDS


def expand_areas(selection: Sequence[str], lookup_file: Path) -> list[str]:
    """Council codes for ``--area`` values: ``all`` = every adult social care council, a
    region code (E12...) = that region's ones, a council code = itself."""
    wanted = [s for s in selection if s == ALL_AREAS or _REGION_CODE.match(s)]
    if not wanted:
        return list(dict.fromkeys(selection))
    if not lookup_file.exists():
        raise UsageError(f"--area {wanted[0]} needs the lookup of councils ({lookup_file})")
    lookup = _read_lookup(lookup_file)
    codes: list[str] = []
    for item in selection:
        if item == ALL_AREAS:
            codes += [c for c, row in lookup.items() if _is_asc_authority(row)]
        elif _REGION_CODE.match(item):
            found = [c for c, row in lookup.items()
                     if row.get("region_code") == item and _is_asc_authority(row)]
            if not found:
                raise UsageError(f"no adult social care council in region {item} "
                                 f"(region codes are in {lookup_file})")
            codes += found
        else:
            codes.append(item)
    return list(dict.fromkeys(sorted(codes) if ALL_AREAS in selection else codes))


def check_comparators(group: str | None, lookup_file: Path) -> None:
    """``--comparators``: a known group name, or a comma list of known council codes."""
    if group is None or group in COMPARATOR_GROUPS:
        return
    codes = [c.strip().upper() for c in group.split(",") if c.strip()]
    if not codes or not all(_AREA_CODE.match(c) for c in codes):
        raise UsageError(
            f"invalid --comparators {group!r}: use {', '.join(COMPARATOR_GROUPS)} "
            "or a comma list of council codes such as E08000012,E08000015")
    if lookup_file.exists():
        lookup = _read_lookup(lookup_file)
        unknown = [c for c in codes if c not in lookup]
        if unknown:
            raise UsageError(f"--comparators: unknown area code(s) {', '.join(unknown)} "
                             f"(not in {lookup_file})")


def check_out_dir(out_dir: Path, inputs: Sequence[Path], processed: Path | None = None) -> None:
    """Refuse an output folder that is (or is inside) data/, notebooks/, the processed folder
    or an input folder, or that holds the project or an input folder (the run replaces folders
    inside OUT). The processed folder may live inside OUT (``OUT/.processed``)."""
    out = out_dir.resolve()
    root = paths.PROJECT_ROOT.resolve()
    protected = [root / "data", paths.NOTEBOOKS_DIR.resolve(), *(p.resolve() for p in inputs)]
    if processed is not None:
        inside = processed.resolve()
        if out == inside or inside in out.parents:
            raise UsageError(f"--out {out_dir}: refusing to write reports into the processed "
                             f"data folder {inside} (a later preparation would delete them)")
    if out == root or out in root.parents:
        raise UsageError(f"--out {out_dir}: refusing to write reports into the project root "
                         "or a folder holding it; use e.g. reports/")
    for folder in protected:
        if out == folder or folder in out.parents:
            raise UsageError(f"--out {out_dir}: refusing to write reports into {folder} (an "
                             "input folder: a later preparation would delete them)")
        if out in folder.parents:
            raise UsageError(f"--out {out_dir}: refusing: it holds the input folder {folder}")


def _area_names(lookup_file: Path) -> dict[str, str]:
    """Council names by code from a lookup (``{}`` when it cannot be read)."""
    try:
        return {code: row.get("area_name") or "" for code, row in _read_lookup(lookup_file).items()}
    except (OSError, KeyError, ValueError):
        return {}


def _pdf_available() -> str | None:
    """None when WeasyPrint can render PDF, otherwise the one-line reason."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return ("--pdf needs WeasyPrint: pip install weasyprint (and on Debian/Ubuntu apt-get "
                f"install libpango-1.0-0 libpangoft2-1.0-0) ({exc.__class__.__name__})")
    return None


def _terminated(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signum)


def _clean_preparation_leftovers(processed: Path) -> None:
    """Folders a killed preparation left beside the processed folder (``.<name>-new-*``,
    ``.<name>-old-*``). Called with the processed folder's lock held."""
    import shutil

    parent = processed.resolve().parent
    for pattern in (f".{processed.name}-new-*", f".{processed.name}-old-*"):
        for leftover in parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def cmd_run(args: argparse.Namespace) -> int:
    """``asc run``: check everything that can be checked, prepare, then run (asclib.run)."""
    import signal

    from asclib import run as runs

    previous = signal.signal(signal.SIGTERM, _terminated)  # log a line and exit 143
    try:
        return _cmd_run(args, runs)
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
        name = signal.Signals(signum).name
        print(f"asc run: stopped by {name}; the last good reports stay published",
              file=sys.stderr)
        return 143 if signum == signal.SIGTERM else 130
    except runs.LockedByAnotherRun as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # the output or processed folder cannot be written
        where = exc.filename or args.out
        print(f"asc run: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        print("asc run: 0 ok, 0 failed (nothing was run)", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cmd_run(args: argparse.Namespace, runs) -> int:
    notebooks = select_notebooks(args.notebooks_dir, args.notebook)
    raw_dir: Path = args.data
    out_dir: Path = args.out
    if args.processed is not None:
        processed: Path = args.processed
    elif raw_dir.resolve() == paths.RAW_DATA_DIR.resolve():
        processed = paths.PROCESSED_DATA_DIR
    else:
        processed = out_dir / ".processed"
    check_out_dir(out_dir, [raw_dir, args.notebooks_dir], processed)
    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    if args.executor == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError("--executor dask needs the distributed package: "
                             "pip install 'asclib[dask]'") from None
    if args.pdf:
        missing = _pdf_available()
        if missing:
            raise UsageError(missing)

    workers = None
    if args.executor == "local":
        # the workers and their kernel zygotes (~2 s of imports) start now, while the rest
        # of the checks read the lookup and the notebooks (and the data are prepared); a run
        # that stops before executing anything stops them
        workers = runs.start_workers(out_dir, args.jobs, fork_kernels=not args.fresh_kernels)
    try:
        return _checked_run(args, runs, notebooks, raw_dir, out_dir, processed, workers)
    finally:
        if workers is not None:
            workers.close(abandon=True)


def _checked_run(args: argparse.Namespace, runs, notebooks: list[Path], raw_dir: Path,
                 out_dir: Path, processed: Path, workers) -> int:
    from asclib.errors import InputDataError

    pre_lookup = _lookup_file(processed, raw_dir)
    selection: list[str] = list(dict.fromkeys(args.area or []))
    if not selection:
        defaults = {runs.notebook_defaults(nb).get("area_code") for nb in notebooks}
        selection = sorted(code for code in defaults if isinstance(code, str))
        if not selection:
            raise UsageError("no --area given and the notebooks have no default area_code")
    areas = expand_areas(selection, pre_lookup)
    check_areas(areas, pre_lookup)
    check_comparators(args.comparators, pre_lookup)

    from asclib.run import lock

    with lock.hold(out_dir):
        if not args.no_prepare:
            from asclib.prepare import is_up_to_date, prepare

            # Validate and prepare only when the raw files changed since the last preparation
            # (the processed tables were prepared from validated files). Prepare every
            # council's files, not only this run's areas: the processed folder is shared with
            # JupyterLab and other runs, and must not shrink to one run's areas.
            with lock.hold(processed, beside=True):
                _clean_preparation_leftovers(processed)
                if not is_up_to_date(raw_dir, processed):
                    problems = _validate(raw_dir, areas)
                    if problems:
                        _print_problems("run", problems)
                        print("asc run: nothing was run; fix the data and try again",
                              file=sys.stderr)
                        return EXIT_BAD_INPUT
                    try:
                        prepare(raw_dir, processed)
                    except InputDataError as exc:
                        _print_problems("run", exc.problems)
                        return EXIT_BAD_INPUT
        elif not processed.is_dir():
            raise UsageError(f"processed data folder not found: {processed} (run `asc prepare`)")
        else:  # not preparing: clean a killed preparation's leftovers if no run prepares now
            with contextlib.suppress(lock.LockedByAnotherRun), \
                    lock.hold(processed, beside=True):
                _clean_preparation_leftovers(processed)
        lookup_file = _lookup_file(processed, raw_dir)
        check_areas(areas, lookup_file)
        check_comparators(args.comparators, lookup_file)

        summary = runs.run(
            notebooks,
            areas,
            out_dir=out_dir,
            data_dir=processed,
            period=args.period,
            comparator_group=args.comparators,
            jobs=args.jobs,
            timeout=args.timeout,
            pdf=args.pdf,
            force=args.force,
            executor=args.executor,
            scheduler=args.scheduler,
            area_names=_area_names(lookup_file),
            fork_kernels=not args.fresh_kernels,
            workers=workers,
        )
    names = _area_names(_lookup_file(processed, raw_dir))
    for result in summary.results:
        where = f"{result.area_code} {names.get(result.area_code, '')}".strip()
        if result.status == "failed":
            print(f"asc run: FAILED {result.notebook} for {where}: "
                  f"{(result.reason or '').splitlines()[0] if result.reason else ''}"
                  f" (see {out_dir / result.area_code / 'failed' / (result.notebook + '.ipynb')})",
                  file=sys.stderr)
        elif result.period_not_in_data:
            print(f"asc run: {result.notebook} for {where}: {result.reason}",
                  file=sys.stderr)
    print(f"Reports in {out_dir.resolve()} ({summary.counts_line()}); index: "
          f"{out_dir.resolve() / 'index.html'}")
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


def console() -> None:
    """The ``asc`` console script: :func:`main`, then exit. Everything is written and closed
    when ``main`` returns, so the heap is frozen first: the interpreter's last garbage
    collections would otherwise walk every object of pandas, papermill and the rest (~0.08 s
    of each run's exit, measured). Tests call :func:`main`, which leaves the heap alone."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
