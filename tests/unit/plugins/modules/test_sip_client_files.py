# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""sip_client_files, run as Ansible runs it, on a temporary directory: what it writes, keeps, removes
and refuses, in check mode too, and that no content (SIP passwords) reaches its output."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.tencentcloud.tccc.plugins.modules import sip_client_files

SECRET = "password=secret-1001-aaaa\n"
MANIFEST = ".tccc-sip_client-baresip.json"


def run(capsys, args, check_mode=False, diff=False):
    """The module's result; and every run checks that no content reached its output."""
    with patch_module_args(dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)):
        with pytest.raises(SystemExit):
            sip_client_files.main()
    result = json.loads(capsys.readouterr().out)
    # ansible-core 2.22+: the secrets the module registers for the controller to mask, which drops
    # the key before anyone sees the result
    result.pop("_ansible_new_secrets", None)
    for f in args.get("files", []):
        if "secret" in (f.get("content") or ""):
            assert f["content"].strip() not in json.dumps(result)
    return result


def args_for(path, files=None, **more):
    args = {"path": str(path), "files": files if files is not None else [{"name": "accounts", "content": SECRET}],
            "mode": "0600", "manifest": MANIFEST, "manifest_fields": {"kind": "baresip"}, "extensions": {"1001": "f" * 64}}
    args.update(more)
    return args


def mode_of(path):
    return "%04o" % stat.S_IMODE(os.lstat(str(path)).st_mode)


def listing(path):
    return sorted(os.listdir(str(path)))


def test_a_first_run_creates_the_directory_files_and_manifest_then_a_second_changes_nothing(tmp_path, capsys):
    target = tmp_path / "new" / "baresip"
    result = run(capsys, args_for(target, directory_mode="0700"))
    assert result["changed"] and result["applied"] and result["written"] == ["accounts"]
    assert result["directories"] == [str(target)] and result["removed"] == []
    assert result["extensions"] == {"added": ["1001"], "changed": [], "removed": [], "first": True}
    assert (target / "accounts").read_text() == SECRET
    assert mode_of(target) == "0700" and mode_of(target / "accounts") == "0600" and mode_of(target / MANIFEST) == "0600"
    manifest = json.loads((target / MANIFEST).read_text())
    assert manifest == {"kind": "baresip", "files": ["accounts"], "extensions": {"1001": "f" * 64}}

    again = run(capsys, args_for(target))
    assert not again["changed"] and again["written"] == [] and again["directories"] == []
    assert again["extensions"] == {"added": [], "changed": [], "removed": [], "first": False}


def test_content_mode_and_fingerprints_that_differ_are_rewritten_and_reported(tmp_path, capsys):
    # digests as the role gives them (sha256): a short no_log value would be masked inside other strings
    run(capsys, args_for(tmp_path, extensions={"1001": "a" * 64, "1002": "b" * 64}))
    os.chmod(str(tmp_path / "accounts"), 0o644)
    result = run(capsys, args_for(tmp_path, extensions={"1001": "d" * 64, "1003": "c" * 64}))
    assert result["written"] == ["accounts"] and mode_of(tmp_path / "accounts") == "0600"
    assert result["extensions"] == {"added": ["1003"], "changed": ["1001"], "removed": ["1002"], "first": False}
    changed = [{"name": "accounts", "content": "password=secret-1001-bbbb\n"}]
    assert run(capsys, args_for(tmp_path, changed))["written"] == ["accounts"]
    assert (tmp_path / "accounts").read_text() == "password=secret-1001-bbbb\n"


def test_only_files_of_the_last_manifest_are_removed_never_others_directories_or_paths(tmp_path, capsys):
    files = [{"name": n, "content": "phone %s\n" % n} for n in ("1001.cfg", "1002.cfg", "1003.cfg")]
    run(capsys, args_for(tmp_path, files))
    (tmp_path / "9999.cfg").write_text("by hand\n")
    (tmp_path / "outside").write_text("not ours\n")
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    # a manifest edited by hand: a directory and names outside the directory are never removed
    (tmp_path / "dir.cfg").mkdir()
    manifest["files"] += ["dir.cfg", "../outside", "/etc/passwd", ".", "..", 7]
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    result = run(capsys, args_for(tmp_path, files[:1]))
    assert sorted(result["removed"]) == ["1002.cfg", "1003.cfg"]
    assert listing(tmp_path) == [MANIFEST, "1001.cfg", "9999.cfg", "dir.cfg", "outside"]


def test_a_pending_file_is_kept_as_it_is_and_stays_in_the_manifest(tmp_path, capsys):
    files = [{"name": "a.cfg", "content": "a\n"}, {"name": "b.cfg", "content": "b\n"}]
    run(capsys, args_for(tmp_path, files))
    result = run(capsys, args_for(tmp_path, [files[0], {"name": "b.cfg"}]))
    assert not result["changed"] and (tmp_path / "b.cfg").read_text() == "b\n"
    assert json.loads((tmp_path / MANIFEST).read_text())["files"] == ["a.cfg", "b.cfg"]


def test_check_mode_reports_the_same_changes_and_touches_nothing(tmp_path, capsys):
    files = [{"name": "1001.cfg", "content": "a\n"}, {"name": "1002.cfg", "content": "b\n"}]
    run(capsys, args_for(tmp_path, files))
    before = {name: (tmp_path / name).read_bytes() for name in listing(tmp_path)}
    wanted = args_for(tmp_path, [{"name": "1001.cfg", "content": "a2\n"}], extensions={"1001": "e" * 64})
    result = run(capsys, wanted, check_mode=True)
    assert result["changed"] and not result["applied"]
    assert result["written"] == ["1001.cfg"] and result["removed"] == ["1002.cfg"]
    assert {name: (tmp_path / name).read_bytes() for name in listing(tmp_path)} == before
    fresh = run(capsys, args_for(tmp_path / "none", directories=[{"name": "tls", "mode": "0750"}],
                                 files=[{"name": "tls/ca.pem", "content": "ca\n"}]), check_mode=True)
    assert fresh["written"] == ["tls/ca.pem"] and fresh["directories"] == [str(tmp_path / "none"), "tls"]
    assert not (tmp_path / "none").exists()


def test_a_host_file_is_copied_into_an_owned_subdirectory(tmp_path, capsys):
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("CERTIFICATES\n")
    args = args_for(tmp_path / "fs", directories=[{"name": "tccc-tls", "mode": "0750"}],
                    files=[{"name": "tccc.xml", "content": "<include/>\n"}, {"name": "tccc-tls/cafile.pem", "src": str(bundle), "mode": "0644"}])
    result = run(capsys, args)
    assert result["written"] == ["tccc.xml", "tccc-tls/cafile.pem"] and "tccc-tls" in result["directories"]
    assert (tmp_path / "fs" / "tccc-tls" / "cafile.pem").read_text() == "CERTIFICATES\n"
    assert mode_of(tmp_path / "fs" / "tccc-tls") == "0750" and mode_of(tmp_path / "fs" / "tccc-tls" / "cafile.pem") == "0644"
    os.chmod(str(tmp_path / "fs" / "tccc-tls"), 0o755)
    assert run(capsys, args)["directories"] == ["tccc-tls"] and mode_of(tmp_path / "fs" / "tccc-tls") == "0750"
    bundle.write_text("NEW CERTIFICATES\n")
    assert run(capsys, args)["written"] == ["tccc-tls/cafile.pem"]


def test_a_symlink_in_the_way_is_replaced_not_followed(tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("someone else's\n")
    (tmp_path / "dir").mkdir()
    os.symlink(str(elsewhere), str(tmp_path / "dir" / "accounts"))
    assert run(capsys, args_for(tmp_path / "dir"))["written"] == ["accounts"]
    assert not os.path.islink(str(tmp_path / "dir" / "accounts")) and elsewhere.read_text() == "someone else's\n"


def test_the_include_line_is_appended_once_and_a_missing_file_stays_missing(tmp_path, capsys):
    include = {"name": "pjsip.conf", "line": "#include pjsip_tccc.conf"}
    assert not run(capsys, args_for(tmp_path, include_from=include))["included"]
    assert not (tmp_path / "pjsip.conf").exists()
    (tmp_path / "pjsip.conf").write_text("[global]\ntype=global")
    assert run(capsys, args_for(tmp_path, include_from=include), check_mode=True)["included"]
    assert (tmp_path / "pjsip.conf").read_text() == "[global]\ntype=global"
    result = run(capsys, args_for(tmp_path, include_from=include))
    assert result["included"] and result["changed"]
    assert (tmp_path / "pjsip.conf").read_text() == "[global]\ntype=global\n#include pjsip_tccc.conf\n"
    again = run(capsys, args_for(tmp_path, include_from=include))
    assert not again["included"] and not again["changed"]


def test_the_service_marker_says_whether_the_service_runs(tmp_path, capsys):
    marker = tmp_path / "asterisk.ctl"
    assert run(capsys, args_for(tmp_path / "a", service_marker=str(marker)))["service_running"] is False
    marker.write_text("")
    assert run(capsys, args_for(tmp_path / "a", service_marker=str(marker)))["service_running"] is True
    assert run(capsys, args_for(tmp_path / "a"))["service_running"] is False


def test_the_diff_shows_names_and_modes_never_content(tmp_path, capsys):
    run(capsys, args_for(tmp_path))
    (tmp_path / "accounts").write_text("old secret-1001-zzzz\n")
    result = run(capsys, args_for(tmp_path), diff=True)
    assert result["diff"]["before"]["accounts"]["content"] == "differs"
    assert result["diff"]["after"]["accounts"] == {"mode": "0600", "owner": os.getuid(), "group": os.getgid(), "content": "new"}
    assert "secret-1001" not in json.dumps(result)


@pytest.mark.parametrize("change, message", [
    ({"group": "tccc-no-such-group"}, "group: there is no group tccc-no-such-group on this host"),
    ({"owner": "tccc-no-such-user"}, "owner: there is no user tccc-no-such-user on this host"),
    ({"mode": "644"}, None),
    ({"mode": "0999"}, "mode: '0999' is not an octal mode"),
    ({"directory_mode": "rwx"}, "directory_mode: 'rwx' is not an octal mode"),
    ({"files": [{"name": "../accounts", "content": SECRET}]}, "files[0].name: '../accounts' is not a plain file name"),
    ({"files": [{"name": "tls/ca.pem", "content": SECRET}]}, "files[0].name: 'tls/ca.pem' is not a plain file name"),
    ({"files": [{"name": "a", "content": SECRET}, {"name": "a", "content": SECRET}]}, "files: a name is given twice"),
    ({"manifest": "sub/m.json"}, "manifest: 'sub/m.json' is not a plain file name"),
    ({"files": [{"name": "ca.pem", "src": "/nonexistent/bundle.pem"}]}, "files[0].src: cannot read /nonexistent/bundle.pem"),
    ({"directories": [{"name": "..", "mode": "0750"}]}, "directories[0].name: '..' is not a plain name"),
])
def test_bad_input_is_refused_naming_the_option_before_anything_is_written(tmp_path, capsys, change, message):
    target = tmp_path / "dir"
    result = run(capsys, dict(args_for(target), **change))
    if message is None:  # an octal mode without its leading zero is still octal
        assert result["written"] == ["accounts"] and mode_of(target / "accounts") == "0644"
        return
    assert result["failed"] and message in result["msg"], result["msg"]
    assert not target.exists()


def test_a_path_that_is_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    result = run(capsys, args_for(tmp_path / "file"))
    assert result["failed"] and "is not a directory" in result["msg"]
