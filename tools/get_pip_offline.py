# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for ansible-test's ``get-pip.py``.

Why: ``ansible-test ... --venv`` bootstraps pip in every virtual environment it creates by
downloading ``get-pip-<version>.py`` from ci-files.testing.ansible.com. Machines that reach only
a package index (air-gapped CI, ours included) cannot fetch it, and ansible-test first looks for
``~/.ansible/test/cache/get_pip_<version>.py``. noxfile.py (stage()) copies this file there;
air-gapped users can do the same. It bootstraps pip from the interpreter's own ``ensurepip`` wheel
and then installs what ansible-test asked for (``pip==<version>`` and friends) from the configured package index.
"""
import subprocess
import sys

# get-pip.py understands these two; pip install does not.
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    return subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade"] + args)


if __name__ == "__main__":
    sys.exit(main())
