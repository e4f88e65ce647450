"""Mutation testing of the HTTP clients and of the promise-carrying modules, one module at a time.

Each module is mutated by mutmut in a working folder of its own (``mutants/<module>/``, a generated
``pyproject.toml`` beside links to the sources and the tests), against the tests that cover it:
mutmut first runs them once to learn which test calls which function, then runs, for each mutant,
only the tests that call the mutated function, stopping at the first failure. Run by
``script/mutants`` (inside the development environment); see CONTRIBUTING.md.
"""

import argparse
from collections import Counter
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutants"
EQUIVALENT = ROOT / "tests" / "mutants" / "equivalent.md"
PACKAGE = "custom_components/whoop"
INTEGRATION = "tests/integration"

# mutmut's exit codes per mutant (mutmut/stats.py): what each means for the figures.
STATUS_OF_EXIT_CODE = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
}
# A worker still on one mutant after this long is waiting forever (see _end_hung_workers).
HANG_SECONDS = 300
COLUMNS = ("killed", "survived", "timeout", "no tests")
KILLED = frozenset({"killed", "timeout"})
_EQUIVALENT_NAME = re.compile(r"`(?P<name>[^`\s]+__mutmut_\d+)`")


@dataclass(frozen=True, slots=True)
class Module:
    """What one run mutates, and the tests that cover it."""

    name: str
    kind: str  # "client" (HA-free, target 90 %) or "promise" (target 85 %)
    mutate: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def target(self) -> float:
        """The share of mutants the tests must kill."""
        return 90.0 if self.kind == "client" else 85.0


MODULES = (
    Module("whoop_api", "client", (f"{PACKAGE}/whoop_api/*",), ("tests/whoop_api",)),
    Module(
        "whatsapp_api",
        "client",
        (f"{PACKAGE}/whatsapp_api/*",),
        ("tests/whatsapp_api",),
    ),
    Module(
        "whoop_auth",
        "promise",
        (
            f"{PACKAGE}/whoop/auth/oauth.py",
            f"{PACKAGE}/whoop/auth/refresher.py",
            f"{PACKAGE}/whoop/auth/token_holder.py",
        ),
        (
            f"{INTEGRATION}/whoop/test_token_lifecycle.py",
            f"{INTEGRATION}/whoop/test_refresh_scopes.py",
            f"{INTEGRATION}/whoop/test_refresh_in_flight.py",
            f"{INTEGRATION}/whoop/test_config_flow.py",
        ),
    ),
    Module(
        "whoop_webhook",
        "promise",
        (f"{PACKAGE}/whoop/webhook.py",),
        (
            f"{INTEGRATION}/whoop/test_webhooks.py",
            f"{INTEGRATION}/whoop/test_cloudhook.py",
        ),
    ),
    Module(
        "whatsapp_webhook",
        "promise",
        (
            f"{PACKAGE}/whatsapp/webhooks/endpoint.py",
            f"{PACKAGE}/whatsapp/webhooks/inbound.py",
        ),
        (
            f"{INTEGRATION}/whatsapp/test_two_way_webhook.py",
            f"{INTEGRATION}/whatsapp/test_two_way_edges.py",
            f"{INTEGRATION}/whatsapp/test_two_way_receipts.py",
            f"{INTEGRATION}/whatsapp/test_two_way_inbound.py",
        ),
    ),
    Module(
        "delivery",
        "promise",
        (f"{PACKAGE}/whatsapp/delivery/*", f"{PACKAGE}/whatsapp/webhooks/receipts.py"),
        (
            f"{INTEGRATION}/whatsapp/delivery",
            f"{INTEGRATION}/whatsapp/test_notify.py",
            f"{INTEGRATION}/whatsapp/test_errors.py",
            f"{INTEGRATION}/whatsapp/test_spacing.py",
            f"{INTEGRATION}/whatsapp/test_never_half_a_message_twice.py",
            f"{INTEGRATION}/whatsapp/test_two_way_receipts.py",
            f"{INTEGRATION}/whatsapp/test_two_way_window.py",
            f"{INTEGRATION}/whatsapp/test_services.py",
            f"{INTEGRATION}/whatsapp/test_masking.py",
        ),
    ),
    Module(
        "conversation_window",
        "promise",
        (
            f"{PACKAGE}/whatsapp/conversation_window.py",
            f"{PACKAGE}/whatsapp/recipients/window_sensor.py",
        ),
        (
            f"{INTEGRATION}/whatsapp/test_two_way_window.py",
            f"{INTEGRATION}/whatsapp/test_two_way_edges.py",
            f"{INTEGRATION}/whatsapp/test_two_way_inbound.py",
            f"{INTEGRATION}/whatsapp/test_two_way_receipts.py",
        ),
    ),
    Module(
        "cadence",
        "promise",
        (f"{PACKAGE}/whoop/cadence.py",),
        (
            f"{INTEGRATION}/whoop/test_cadence.py",
            f"{INTEGRATION}/whoop/test_coordinators.py",
            f"{INTEGRATION}/whoop/test_rate_limit_reset.py",
            f"{INTEGRATION}/whoop/test_webhooks.py",
        ),
    ),
)
MODULE_BY_NAME = {module.name: module for module in MODULES}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))


def _pyproject_for(module: Module) -> str:
    """The repository's pyproject.toml, its [tool.mutmut] narrowed to ``module``."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    settings = dict(tomllib.loads(text)["tool"]["mutmut"])
    settings["only_mutate"] = list(module.mutate)
    settings["pytest_add_cli_args_test_selection"] = list(module.tests)
    # Drop the table (up to the next one or the end), then append the module's own.
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    lines = [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    return text.rstrip() + "\n\n[tool.mutmut]\n" + "\n".join(lines) + "\n"


def _prepare(module: Module) -> Path:
    """Make ``mutants/<module>/``: links to the sources and tests, and the module's config."""
    folder = WORK / module.name
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("custom_components", "sandbox", "tests"):
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(Path("..") / ".." / name, target_is_directory=True)
    config = folder / "pyproject.toml"
    wanted = _pyproject_for(module)
    if not config.exists() or config.read_text(encoding="utf-8") != wanted:
        config.write_text(wanted, encoding="utf-8")
    return folder


def _run(module: Module, max_children: int, *, again: bool = False) -> float:
    """Run mutmut for ``module``; return the wall time in seconds.

    With ``again``, only the mutants that the last run left alive and that are not listed as
    equivalent run (after new tests); mutmut is given their names, which it cannot take for a
    function no test calls.
    """
    equivalent = equivalent_mutants()
    names = (
        [
            name
            for name, status in _results(module).items()
            if status not in KILLED and status != "no tests" and name not in equivalent
        ]
        if again
        else []
    )
    if again and not names:
        print(f"==> {module.name}: no survivor to run again", flush=True)
        return 0.0
    folder = _prepare(module)
    mutmut = shutil.which("mutmut")
    if mutmut is None:
        sys.exit("mutmut is not installed: run script/mutants")
    log = folder / "mutmut.log"
    print(f"==> {module.name}: mutmut run (log in {log.relative_to(ROOT)})", flush=True)
    started = time.monotonic()
    with (
        log.open("w", encoding="utf-8") as output,
        subprocess.Popen(  # noqa: S603 - mutmut from the environment, fixed arguments
            [mutmut, "run", "--max-children", str(max_children), *names],
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        ) as process,
    ):
        first_seen: dict[tuple[int, bytes], float] = {}
        while process.poll() is None:
            time.sleep(5)
            _end_hung_workers(first_seen)
        status = process.returncode
    elapsed = time.monotonic() - started
    if status != 0:
        print(f"    mutmut failed (exit {status}); the end of {log.name}:")
        print(log.read_text(encoding="utf-8", errors="replace")[-3000:])
    print(f"    done in {elapsed:.0f} s", flush=True)
    return elapsed


def _end_hung_workers(first_seen: dict[tuple[int, bytes], float]) -> None:
    """End mutmut's workers that have run a mutant longer than HANG_SECONDS, as a timeout.

    mutmut limits a worker's CPU seconds (SIGXCPU), but a mutant that makes a test wait forever
    (e.g. a timeout of None) uses none; SIGXCPU is what mutmut counts as a timeout.
    """
    now = time.monotonic()
    seen = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if not title.startswith(b"mutmut: "):
            continue
        worker = (int(entry.name), title)  # one worker on one mutant
        seen.add(worker)
        if now - first_seen.setdefault(worker, now) > HANG_SECONDS:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker[0], signal.SIGXCPU)
    for worker in set(first_seen) - seen:
        del first_seen[worker]


def _results(module: Module) -> dict[str, str]:
    """Each mutant of ``module``'s last run and its status."""
    results: dict[str, str] = {}
    for meta in sorted(
        (WORK / module.name / "mutants").glob(f"{PACKAGE}/**/*.py.meta")
    ):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            results[name] = (
                "not checked"
                if code is None
                else STATUS_OF_EXIT_CODE.get(code, "suspicious")
            )
    return results


def equivalent_mutants() -> set[str]:
    """The mutants listed as equivalent (a change no user can observe)."""
    if not EQUIVALENT.exists():
        return set()
    return {
        match["name"]
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines()
        if line.startswith("- ")
        for match in _EQUIVALENT_NAME.finditer(line)
    }


def _changed_lines(module_name: str, mutant: str) -> list[str]:
    """The lines ``mutant`` removes and adds, as ``mutmut show`` prints them."""
    mutmut = shutil.which("mutmut") or "mutmut"
    shown = subprocess.run(  # noqa: S603 - mutmut from the environment, a mutant's name
        [mutmut, "show", mutant],
        cwd=WORK / module_name,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [
        line
        for line in shown.splitlines()
        if line[:1] in {"-", "+"} and line[1:2] not in {"-", "+"}
    ]


def report(
    modules: list[Module], wall_times: dict[str, float], *, show: bool = False
) -> bool:
    """Print the figures per module and the survivors; return whether every target is met."""
    equivalent = equivalent_mutants()
    header = f"{'module':<20}" + "".join(f"{column:>10}" for column in COLUMNS)
    header += (
        f"{'other':>8}{'total':>7}{'killed %':>10}{'target':>8}{'equiv.':>8}{'time':>7}"
    )
    print()
    print(header)
    unexplained: list[tuple[str, str, str]] = []
    all_met = True
    for module in modules:
        results = _results(module)
        if not results:
            print(f"{module.name:<20}  (not run yet)")
            all_met = False
            continue
        counts = Counter(results.values())
        total = len(results)
        killed = counts["killed"] + counts["timeout"]
        other = total - sum(counts[column] for column in COLUMNS)
        share = 100.0 * killed / total
        listed = {
            name
            for name, status in results.items()
            if status not in KILLED and name in equivalent
        }
        met = share >= module.target
        all_met = all_met and met
        seconds = wall_times.get(module.name)
        print(
            f"{module.name:<20}"
            + "".join(f"{counts[column]:>10}" for column in COLUMNS)
            + f"{other:>8}{total:>7}{share:>9.1f}%{module.target:>7.0f}%"
            + f"{len(listed):>8}"
            + (f"{seconds:>6.0f}s" if seconds is not None else f"{'':>7}")
        )
        unexplained.extend(
            (module.name, name, status)
            for name, status in sorted(results.items())
            if status not in KILLED and name not in equivalent
        )
    print()
    print(
        "killed % counts timeouts as killed, out of every mutant (no tests included);"
    )
    print(f"equiv. = survivors listed in {EQUIVALENT.relative_to(ROOT)}.")
    if unexplained:
        print()
        print(
            "Survivors neither killed nor listed as equivalent (mutmut show NAME in mutants/MODULE):"
        )
        for module_name, name, status in unexplained:
            print(f"  [{module_name}] {status:<10} {name}")
            if show:
                for line in _changed_lines(module_name, name):
                    print(f"        {line}")
    return all_met and not unexplained


def main() -> None:
    """Run the modules asked for (all by default), then print the figures."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", metavar="MODULE", help=", ".join(MODULE_BY_NAME)
    )
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="show the modules and exit")
    parser.add_argument(
        "--report", action="store_true", help="only print the last figures"
    )
    parser.add_argument(
        "--show", action="store_true", help="print the change of each survivor"
    )
    parser.add_argument(
        "--again", action="store_true", help="run only the last run's survivors again"
    )
    arguments = parser.parse_args()
    if unknown := [name for name in arguments.modules if name not in MODULE_BY_NAME]:
        parser.error(
            f"unknown module {', '.join(unknown)}: choose from {', '.join(MODULE_BY_NAME)}"
        )
    modules = [MODULE_BY_NAME[name] for name in arguments.modules] or list(MODULES)
    if arguments.list:
        for module in modules:
            print(f"{module.name} ({module.kind}, target {module.target:.0f} %)")
            print("  mutates: " + " ".join(module.mutate))
            print("  tests:   " + " ".join(module.tests))
        return
    wall_times: dict[str, float] = {}
    if not arguments.report:
        for module in modules:
            wall_times[module.name] = _run(
                module, arguments.max_children, again=arguments.again
            )
    if not report(modules, wall_times, show=arguments.show):
        sys.exit(1)


if __name__ == "__main__":
    main()
