#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: sip_client_files
short_description: Write a SIP client's configuration files as one set, with a manifest of what was written
version_added: 0.1.0
description:
  - The writer of the role R(tencentcloud.tccc.sip_client,ansible_collections.tencentcloud.tccc.sip_client_role), which renders the
    files on the controller and hands them to this module; one module run per host writes every file, subdirectory and manifest,
    and removes the files of extensions no longer listed. Usable alone for the same job.
  - Writes only the files whose content, mode, owner or group differ, each one atomically (a temporary file in the same directory,
    given its mode and owner before it is renamed over the old one, so the old or the new file is there, never a partial one).
  - Keeps a manifest (O(manifest)) of the files it wrote and a fingerprint of each extension, so that a later run removes only files
    it wrote itself and says which extensions were added, changed or removed.
  - File contents hold SIP passwords and are never returned, shown in a diff or logged.
author:
  - tencentcloud.tccc maintainers (@tencentcloud)
extends_documentation_fragment:
  - tencentcloud.tccc.attributes
options:
  path:
    description:
      - The directory of the files. Created with O(directory_mode), O(owner) and O(group) when missing (with its parents); an existing
        directory keeps its mode and owner.
    type: path
    required: true
  directory_mode:
    description:
      - The mode of O(path) when the module creates it.
    type: str
    default: "0700"
  files:
    description:
      - The files the module owns in O(path). A file is written when it is missing, or its content, mode, owner or group differ.
      - An entry with neither O(files[].content) nor O(files[].src) is kept as it is (a Yealink phone whose extension is still to be
        created), and stays in the manifest.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The file's name in O(path), or C(<subdirectory>/<name>) for a file in one of O(directories).
        type: str
        required: true
      content:
        description:
          - The content of the file. Never logged or returned.
        type: str
      src:
        description:
          - A file on the managed host whose content is copied, such as a CA bundle. Mutually exclusive with O(files[].content).
        type: path
      mode:
        description:
          - The mode of this file; O(mode) when omitted.
        type: str
  directories:
    description:
      - Subdirectories of O(path) the module owns, created or given their mode, O(owner) and O(group).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The subdirectory's name in O(path).
        type: str
        required: true
      mode:
        description:
          - Its mode.
        type: str
        required: true
  mode:
    description:
      - The mode of the files and of the manifest.
    type: str
    required: true
  owner:
    description:
      - The owner of the files, the subdirectories and a directory the module creates. Empty or omitted leaves the owner alone.
    type: str
  group:
    description:
      - Their group. Empty or omitted leaves the group alone.
    type: str
  manifest:
    description:
      - The name of the manifest in O(path), a JSON file with the names of O(files), O(manifest_fields) and O(extensions).
      - Files that the previous manifest lists and O(files) no longer does are removed. Only plain names in O(path) are ever
        removed, never a directory.
    type: str
    required: true
  manifest_fields:
    description:
      - More fields of the manifest, such as what wrote it.
    type: dict
    default: {}
  extensions:
    description:
      - A fingerprint of each extension's values, by the extension's key, kept in the manifest. The result compares them with the
        previous manifest's (RV(extensions)). Not logged, since a fingerprint is derived from a password.
    type: dict
    default: {}
  include_from:
    description:
      - A file in O(path) that must hold a line including the written files, such as Asterisk's C(pjsip.conf) with
        C(#include pjsip_tccc.conf). The line is appended when the file lacks it; a missing file is left missing.
    type: dict
    suboptions:
      name:
        description:
          - The file's name in O(path).
        type: str
        required: true
      line:
        description:
          - The line it must hold.
        type: str
        required: true
  service_marker:
    description:
      - A path whose existence says that the service reading the files runs, such as Asterisk's control socket. RV(service_running)
        says whether it exists.
    type: path
notes:
  - The role R(tencentcloud.tccc.sip_client,ansible_collections.tencentcloud.tccc.sip_client_role) documents the formats and how the
    services are reloaded.
attributes:
  check_mode:
    support: full
    details:
      - Reports the files it would write and remove, without touching the host.
  diff_mode:
    support: partial
    details:
      - Shows each file's presence, mode, owner and group before and after, and whether its content changes; never the content.
"""

EXAMPLES = r"""
# The role tencentcloud.tccc.sip_client renders each client's files and calls this module; written
# by hand, a baresip accounts file from the extensions read into tccc (tccc_extension_info).
- name: Write a baresip accounts file
  tencentcloud.tccc.sip_client_files:
    path: ~/.baresip
    files:
      - name: accounts
        content: |
          {% for a in tccc.extensions | tencentcloud.tccc.sip_accounts('baresip') %}
          {#   auth_pass last: baresip finds a parameter by the first ';name=' on the line #}
          {%   set t = ';transport=' ~ a.transport %}
          <sip:{{ a.extension_id }}@{{ a.domain }}{{ t }}>;outbound="sip:{{ a.proxy }}{{ t }}";auth_pass={{ a.password }}
          {% endfor %}
    mode: "0600"
    manifest: .accounts-manifest.json
    # a digest of each extension's values: the result says which were added, changed or removed
    extensions: >-
      {{ dict(tccc.extensions | map(attribute='extension_id') | zip(tccc.extensions | map('to_json') | map('hash', 'sha256'))) }}
  register: written

- name: Say which extensions changed
  ansible.builtin.debug:
    msg: "{{ written.extensions }}"
"""

RETURN = r"""
written:
  description: The files written, or that would be written in check mode.
  returned: always
  type: list
  elements: str
  sample: [pjsip_tccc.conf]
removed:
  description: The files of the previous manifest that O(files) no longer lists, removed (or that would be, in check mode).
  returned: always
  type: list
  elements: str
directories:
  description: The directories created or given their mode, owner or group (O(path) when created, and O(directories)).
  returned: always
  type: list
  elements: str
extensions:
  description:
    - The keys of O(extensions) added, changed and removed since the previous manifest, sorted. C(first) is V(true) when there was
      no readable manifest with extensions, so that every key counts as added.
  returned: always
  type: dict
  sample: {added: ["2001"], changed: ["1002"], removed: [], first: false}
included:
  description: Whether the line of O(include_from) was appended (or would be, in check mode).
  returned: always
  type: bool
applied:
  description: Whether the changes were made; V(false) in check mode.
  returned: always
  type: bool
service_running:
  description: Whether O(service_marker) exists. V(false) when not given.
  returned: always
  type: bool
"""

import errno
import grp
import json
import os
import pwd
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native


class Refused(Exception):
    """A problem with the arguments or the host, stated as the message the task fails with."""


def _id(lookup, name, option, what):
    if not name:
        return None
    try:
        return lookup(name)[2]
    except KeyError:
        raise Refused("%s: there is no %s %s on this host: create it (install the service that reads the files first), set %s (the"
                      " role's sip_client_%s) to one that exists, or leave it empty to keep the files' %s"
                      % (option, what, name, option, option, option))


def _mode(value, option):
    try:
        mode = int(value, 8)
    except (TypeError, ValueError):
        mode = -1
    if not 0 <= mode <= 0o7777:
        raise Refused("%s: %r is not an octal mode such as \"0640\" (quote it in YAML)" % (option, value))
    return mode


def _lstat(path):
    """os.lstat(path), or None when nothing is there."""
    try:
        return os.lstat(path)
    except OSError as e:
        if e.errno != errno.ENOENT:
            raise
        return None


def _plain(name):
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


class Writer(object):
    def __init__(self, module):
        p = module.params
        self.path = p["path"]
        self.uid = _id(pwd.getpwnam, p["owner"], "owner", "user")
        self.gid = _id(grp.getgrnam, p["group"], "group", "group")
        self.mode = _mode(p["mode"], "mode")
        self.apply = not module.check_mode
        self.written, self.removed, self.directories = [], [], []
        self.before, self.after = {}, {}

    def _state(self, st, content):
        return {"mode": "%04o" % stat.S_IMODE(st.st_mode), "owner": st.st_uid, "group": st.st_gid, "content": content}

    def _differs(self, st, mode):
        """Whether the mode, owner or group of an existing file or directory differ from the wanted ones."""
        return (stat.S_IMODE(st.st_mode) != mode or (self.uid is not None and st.st_uid != self.uid)
                or (self.gid is not None and st.st_gid != self.gid))

    def _own(self, target, mode, fd=None):
        if fd is None:
            os.chmod(target, mode)
        else:
            os.fchmod(fd, mode)
        if self.uid is not None or self.gid is not None:
            ids = (-1 if self.uid is None else self.uid, -1 if self.gid is None else self.gid)
            if fd is None:
                os.chown(target, *ids)
            else:
                os.fchown(fd, *ids)

    def directory(self, name, mode, create_only):
        target = os.path.join(self.path, name) if name else self.path
        st = _lstat(target)
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise Refused("%s exists and is not a directory: move it away, or choose another path" % target)
        if st is not None and (create_only or not self._differs(st, mode)):
            return
        self.directories.append(name or self.path)
        if self.apply:
            if st is None:
                os.makedirs(target, mode)
            self._own(target, mode)

    def file(self, name, data, mode):
        target = os.path.join(self.path, name)
        st = _lstat(target)
        same = False
        if st is not None and stat.S_ISREG(st.st_mode):
            with open(target, "rb") as f:
                same = f.read() == data
        if same and not self._differs(st, mode):
            return
        self.written.append(name)
        self.before[name] = None if st is None else self._state(st, "as before" if same else "differs")
        self.after[name] = {"mode": "%04o" % mode, "owner": st.st_uid if self.uid is None and st else self.uid,
                            "group": st.st_gid if self.gid is None and st else self.gid, "content": "as before" if same else "new"}
        if not self.apply:
            return
        fd, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(name), dir=os.path.dirname(target))
        try:
            with os.fdopen(fd, "wb") as f:
                # mode and owner before the content arrives, so the password is never readable by others
                self._own(temporary, mode, f.fileno())
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.rename(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise

    def include(self, name, line):
        target = os.path.join(self.path, name)
        try:
            with open(target, "rb") as f:
                text = f.read()
        except (OSError, IOError) as e:
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return False
            raise
        wanted = to_bytes(line)
        if wanted.strip() in [held.strip() for held in text.splitlines()]:
            return False
        if self.apply:
            with open(target, "ab") as f:
                f.write((b"" if not text or text.endswith(b"\n") else b"\n") + wanted + b"\n")
        return True

    def remove(self, name):
        target = os.path.join(self.path, name)
        st = _lstat(target)
        if st is None or stat.S_ISDIR(st.st_mode):
            return
        self.removed.append(name)
        self.before[name], self.after[name] = self._state(st, "present"), None
        if self.apply:
            os.unlink(target)


def _read_manifest(path):
    try:
        with open(path, "rb") as f:
            old = json.loads(f.read().decode("utf-8"))
    except (OSError, IOError, ValueError):
        return {}
    return old if isinstance(old, dict) else {}


def _compare(old, new):
    first = not isinstance(old, dict)
    old = {} if first else old
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "changed": sorted(key for key in set(new) & set(old) if new[key] != old[key]), "first": first}


def run(module):
    p = module.params
    names = [f["name"] for f in p["files"]]
    include = [("include_from.name", p["include_from"]["name"])] if p["include_from"] else []
    for option, name in [("manifest", p["manifest"])] + include + [("files[%d].name" % i, n) for i, n in enumerate(names)]:
        parts = name.split("/")
        if not all(_plain(part) for part in parts) or len(parts) > 2 or (len(parts) == 2 and parts[0] not in
                                                                         [d["name"] for d in p["directories"]]):
            raise Refused("%s: %r is not a plain file name in path (or <one of directories>/<name>)" % (option, name))
    for i, d in enumerate(p["directories"]):
        if not _plain(d["name"]):
            raise Refused("directories[%d].name: %r is not a plain name" % (i, d["name"]))
    if len(set(names)) != len(names) or p["manifest"] in names:
        raise Refused("files: a name is given twice, or is the manifest's")
    writer = Writer(module)
    manifest_path = os.path.join(p["path"], p["manifest"])
    old = _read_manifest(manifest_path)

    # everything read and checked before the first change
    wanted = []
    for i, f in enumerate(p["files"]):
        if f["content"] is not None:
            data = to_bytes(f["content"], errors="surrogate_or_strict")
        elif f["src"] is not None:
            try:
                with open(f["src"], "rb") as source:
                    data = source.read()
            except (OSError, IOError) as e:
                raise Refused("files[%d].src: cannot read %s: %s" % (i, f["src"], to_native(e.strerror)))
        else:
            continue
        wanted.append((f["name"], data, _mode(f["mode"], "files[%d].mode" % i) if f["mode"] else writer.mode))
    directories = [(d["name"], _mode(d["mode"], "directories[%d].mode" % i)) for i, d in enumerate(p["directories"])]
    directory_mode = _mode(p["directory_mode"], "directory_mode")

    writer.directory("", directory_mode, create_only=True)
    for name, mode in directories:
        writer.directory(name, mode, create_only=False)
    for name, data, mode in wanted:
        writer.file(name, data, mode)
    stale = old.get("files") if isinstance(old.get("files"), list) else []
    for name in stale:
        if isinstance(name, str) and _plain(name) and name not in names and name != p["manifest"]:
            writer.remove(name)

    manifest = dict(p["manifest_fields"], files=names, extensions=p["extensions"])
    writer.file(p["manifest"], to_bytes(json.dumps(manifest, indent=4, sort_keys=True, separators=(",", ": ")) + "\n"), writer.mode)
    if p["manifest"] in writer.written:
        writer.written.remove(p["manifest"])
        writer.before.pop(p["manifest"]), writer.after.pop(p["manifest"])
        changed_manifest = True
    else:
        changed_manifest = False

    included = bool(p["include_from"]) and writer.include(p["include_from"]["name"], p["include_from"]["line"])
    changed = bool(writer.written or writer.removed or writer.directories or changed_manifest or included)
    return dict(changed=changed, written=writer.written, removed=writer.removed, directories=writer.directories,
                extensions=_compare(old.get("extensions"), p["extensions"]), included=included, applied=writer.apply,
                service_running=bool(p["service_marker"]) and os.path.exists(p["service_marker"]),
                diff=dict(before=writer.before, after=writer.after))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            directory_mode=dict(type="str", default="0700"),
            files=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                content=dict(type="str", no_log=True),
                src=dict(type="path"),
                mode=dict(type="str"),
            ), mutually_exclusive=[("content", "src")]),
            directories=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                mode=dict(type="str", required=True),
            )),
            mode=dict(type="str", required=True),
            owner=dict(type="str"),
            group=dict(type="str"),
            manifest=dict(type="str", required=True),
            manifest_fields=dict(type="dict", default={}),
            extensions=dict(type="dict", default={}, no_log=True),
            include_from=dict(type="dict", options=dict(
                name=dict(type="str", required=True),
                line=dict(type="str", required=True),
            )),
            service_marker=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    try:
        module.exit_json(**run(module))
    except Refused as e:
        module.fail_json(msg=str(e))
    except (OSError, IOError) as e:
        module.fail_json(msg="%s: %s" % (getattr(e, "filename", None) or module.params["path"], to_native(e.strerror or e)))


if __name__ == "__main__":
    main()
