#!/usr/bin/env python
"""Every example the collection shows its users, as playbooks that run them unchanged.

Usage: extract_examples.py COLLECTION OUTPUT_DIR

Reads, from an installed collection: the EXAMPLES of every module (plugins/modules/*.py) and
filter (plugins/filter/*.yml), the YAML blocks of README.md and roles/*/README.md, and the
playbooks of examples/. A block that is a list of plays is copied as it is; a list of tasks,
as it is, becomes the tasks of a play on the first phone of the inventory (desk-phone-01), after a play that
reads the instance into ``tccc`` when the block uses ``tccc.extensions`` without registering it
(the context those blocks presume). A mapping (an inventory or requirements snippet) is not a
playbook and is listed as skipped, as is examples/sip_configs.yml, which runme.sh runs as make demo
runs it and as the command make demo prints. A debug task followed by a ``# => TEXT`` comment
expects TEXT.

Writes OUTPUT_DIR/NN-name.yml and OUTPUT_DIR/plan.json: [{"name", "source", "playbook", "readme",
"expected": [...]}], and prints one line per example found.
"""

import ast
import glob
import json
import os
import re
import sys

import yaml

PRELUDE = [{
    "name": "Context of the example: the instance read into tccc, as an earlier task of the playbook would",
    "hosts": "desk-phone-01",
    "gather_facts": False,
    "tasks": [{
        "name": "Read the instance",
        "tencentcloud.tccc.tccc_extension_info": {"sdk_app_id": 1400000000},
        "register": "tccc",
        "no_log": True,
    }],
}]
EXPECTED = re.compile(r"^\s*# => (.*)$", re.MULTILINE)
# make demo's playbook: runme.sh runs it through make demo, then as the command make demo prints.
DEMO = "examples/sip_configs.yml"


def module_examples(path):
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "EXAMPLES" for target in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit("%s has no EXAMPLES" % path)


def yaml_blocks(path):
    """The ```yaml blocks of a Markdown file, with their line numbers."""
    blocks = []
    lines = open(path).read().splitlines()
    start = None
    for number, line in enumerate(lines, 1):
        if start is None and line.strip() == "```yaml":
            start = number
        elif start is not None and line.strip() == "```":
            blocks.append((start, "\n".join(lines[start:number - 1]) + "\n"))
            start = None
    return blocks


def sources(collection):
    for path in sorted(glob.glob(os.path.join(collection, "plugins/modules/*.py"))):
        yield "module %s" % os.path.basename(path)[:-3], path, module_examples(path), False
    for path in sorted(glob.glob(os.path.join(collection, "plugins/filter/*.yml"))):
        yield "filter %s" % os.path.basename(path)[:-4], path, yaml.safe_load(open(path))["EXAMPLES"], False
    for readme in ["README.md"] + sorted(os.path.relpath(p, collection) for p in glob.glob(os.path.join(collection, "roles/*/README.md"))):
        for line, text in yaml_blocks(os.path.join(collection, readme)):
            yield "%s line %d" % (readme, line), os.path.join(collection, readme), text, readme == "README.md"
    for path in sorted(glob.glob(os.path.join(collection, "examples/*.yml"))):
        yield "examples/%s" % os.path.basename(path), path, open(path).read(), False


def playbook(text):
    """The text of a playbook that runs ``text`` as written, or None when it is not a list of plays or tasks."""
    data = yaml.safe_load(text)
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        return None
    if all("hosts" in item for item in data):
        return text
    prelude = "tccc.extensions" in text and not re.search(r"register: tccc\s*$", text, re.MULTILINE)
    head = yaml.safe_dump(PRELUDE, sort_keys=False, width=1000) if prelude else ""
    return head + "- name: The example\n  hosts: desk-phone-01\n  gather_facts: false\n  tasks:\n" + "".join(
        "    " + line if line.strip() else line for line in text.splitlines(True))


def main():
    collection, output = sys.argv[1:3]
    os.makedirs(output, exist_ok=True)
    plan = []
    for name, source, text, readme in sources(collection):
        if name == DEMO:
            print("skipped (runme.sh runs it as make demo does): %s" % name)
            continue
        plays = playbook(text)
        if plays is None:
            print("skipped (not a playbook or task list): %s" % name)
            continue
        path = os.path.join(output, "%02d-%s.yml" % (len(plan) + 1, re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")))
        with open(path, "w") as handle:
            handle.write("# %s, unchanged (%s)\n" % (name, source))
            handle.write(plays)
        plan.append({"name": name, "source": source, "playbook": path, "readme": readme,
                     "expected": EXPECTED.findall(text)})
        print("example: %s -> %s" % (name, os.path.basename(path)))
    with open(os.path.join(output, "plan.json"), "w") as handle:
        json.dump(plan, handle, indent=1)
    if not plan:
        raise SystemExit("no example found in %s" % collection)


if __name__ == "__main__":
    main()
