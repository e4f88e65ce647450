"""The repository's own habits: licence, pinned CI actions, read-only workflows, Dependabot."""

from pathlib import Path
import re
import tomllib

import pytest
import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # \S+$")


def _workflow(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text())
    return data


def test_license_is_the_mit_licence_pyproject_names() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    licence = (ROOT / "LICENSE").read_text()
    assert pyproject["project"]["license"] == "MIT"
    assert licence.startswith("MIT License\n")
    assert "Copyright (c) 2026 The WHOOP for Home Assistant contributors" in licence


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(.+)$", path.read_text(), re.MULTILINE)
    assert uses
    for action in uses:
        assert PINNED.match(action.strip()), action


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflows_only_read_the_repository(path: Path) -> None:
    workflow = _workflow(path)
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    for job in jobs.values():
        assert "permissions" not in job
        assert job["timeout-minutes"] <= 45


def test_ci_runs_the_browser_test_and_the_newest_home_assistant_as_their_own_jobs() -> (
    None
):
    jobs = _workflow(ROOT / ".github" / "workflows" / "tests.yml")["jobs"]
    assert isinstance(jobs, dict)
    runs = {
        name: [step["run"] for step in job["steps"] if "run" in step]
        for name, job in jobs.items()
    }
    assert runs["tests"] == ["script/test"]
    assert runs["browser"][-1] == "sudo --preserve-env=CI script/test --e2e"
    assert runs["newest-home-assistant"] == ['script/test --ha "$HA_RELEASE"']
    assert re.fullmatch(
        r"\d{4}\.\d{1,2}\.\d+", jobs["newest-home-assistant"]["env"]["HA_RELEASE"]
    )


def test_dependabot_updates_actions_and_pip_weekly() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"github-actions", "pip"}
    for update in updates.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "weekly"


def test_ci_script_leaves_the_other_home_assistant_run_to_github() -> None:
    # The --ha run builds a second environment: too long for the CI time budget of .ci/run.
    assert "--ha" not in (ROOT / ".ci" / "run").read_text()
