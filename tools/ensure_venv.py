# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Create a virtual environment, or reuse it while what it was built from is unchanged.

Usage: PYTHON tools/ensure_venv.py [--keep-pip] DIR [PIP INSTALL ARGS...]
       --keep-pip: install with the pip the interpreter bundles instead of upgrading it first
       (saves seconds where speed matters and any recent pip will do: make demo)

Why: make test must work on a fresh machine, yet reinstalling ansible-core and the linters on every
run costs minutes. DIR/.stamp records a digest of the interpreter, the pip arguments and the text of
every requirements file they name (nested -r/-c files too); the venv is rebuilt only when that digest
changes, and a failed install leaves no stamp, so the next run starts over.
"""
import hashlib
import os
import shutil
import subprocess
import sys

REQUIREMENT_FLAGS = ("-r", "--requirement", "-c", "--constraint")


def requirement_files(args):
    """Yield the requirements files that pip args name, nested ones included."""
    pending = [value for flag, value in zip(args, args[1:]) if flag in REQUIREMENT_FLAGS]
    seen = set()
    while pending:
        path = os.path.abspath(pending.pop())
        if path in seen:
            continue
        seen.add(path)
        yield path
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                words = line.split()
                if len(words) >= 2 and words[0] in REQUIREMENT_FLAGS:
                    # pip reads nested paths relative to the file that names them.
                    pending.append(os.path.join(os.path.dirname(path), words[1]))


def digest(args):
    """Fingerprint of everything the venv's content depends on."""
    sha = hashlib.sha256()
    sha.update(("%s\n%s\n" % (os.path.realpath(sys.executable), sys.version)).encode())
    sha.update("\0".join(args).encode())
    for path in sorted(requirement_files(args)):
        with open(path, "rb") as handle:
            sha.update(b"\0" + path.encode() + b"\0" + handle.read())
    return sha.hexdigest()


def main():
    args = sys.argv[1:]
    keep_pip = args[:1] == ["--keep-pip"]
    if keep_pip:
        args = args[1:]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    venv_dir, pip_args = os.path.abspath(args[0]), args[1:]
    stamp = os.path.join(venv_dir, ".stamp")
    python = os.path.join(venv_dir, "bin", "python")
    wanted = digest(pip_args)
    try:
        with open(stamp, encoding="utf-8") as handle:
            current = handle.read().strip()
    except OSError:
        current = None
    if current == wanted and os.access(python, os.X_OK):
        print("reusing %s" % venv_dir)
        return 0

    print("creating %s (Python %d.%d)" % (venv_dir, sys.version_info[0], sys.version_info[1]))
    shutil.rmtree(venv_dir, ignore_errors=True)
    subprocess.check_call([sys.executable, "-m", "venv", venv_dir])
    pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    if not keep_pip:
        subprocess.check_call(pip + ["--upgrade", "pip"])
    if pip_args:
        subprocess.check_call(pip + pip_args)
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(wanted + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as err:
        sys.stderr.write("ensure_venv: %s failed with exit %s\n" % (" ".join(err.cmd), err.returncode))
        sys.exit(1)
