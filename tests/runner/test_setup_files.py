"""The set-up files agree with each other: environment.yml, pyproject.toml, nbval sanitize file."""

from __future__ import annotations

import configparser
import re
import sys

import pytest

from asclib.paths import PROJECT_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")


def test_environment_yml_lists_every_pyproject_dependency() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        deps += extra
    env = (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s+- ([A-Za-z0-9_.-]+[<>=!~][^\s#]*)", env, flags=re.MULTILINE))
    missing = [d for d in deps if d.replace(" ", "") not in listed]
    assert not missing, f"environment.yml is out of step with pyproject.toml: {missing}"
    assert "- -e ." in env


def _sanitize(text: str) -> str:
    config = configparser.ConfigParser()
    config.read(PROJECT_ROOT / "nbval-sanitize.cfg", encoding="utf-8")
    for section in config.sections():
        text = re.sub(config[section]["regex"], config[section]["replace"], text)
    return text


@pytest.mark.parametrize(
    ("volatile", "sanitized"),
    [
        ("run at 2021-04-01T09:03:22.5+01:00", "run at TIMESTAMP"),
        ("<Figure at 0x7f3a2b1c9d00>", "<Figure at 0xADDRESS>"),
        ("read /home/ann/asc/data/processed/x.csv", "read /PATH"),
        (r"read C:\Users\ann\asc\x.csv", "read WINDOWS-PATH"),
    ],
)
def test_sanitize_file_hides_volatile_output(volatile: str, sanitized: str) -> None:
    assert _sanitize(volatile) == sanitized


@pytest.mark.parametrize(
    "stable", ["data as at 2021-03-31", "period 2020/21", "<td>1/3</td>", "£1,234"]
)
def test_sanitize_file_keeps_real_content(stable: str) -> None:
    assert _sanitize(stable) == stable
