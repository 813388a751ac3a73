# SPDX-License-Identifier: GPL-3.0-or-later
# Sphinx configuration of the documentation site (the docs nox session, noxfile.py). Based on what
# `antsibull-docs sphinx-init` writes, plus myst-parser for the guides, whose Markdown sources are
# the README and docs/*.md. No intersphinx: the site builds offline.

# The source directory is the staged collection: these are its documents (index.md includes README).
# A link to another file of the repository becomes a download of it; to a missing file, a warning.
include_patterns = ["index.md", "docs/*.md", "collection/**", "CHANGELOG.rst"]

project = "tencentcloud.tccc"
copyright = "tencentcloud.tccc contributors, GPL-3.0-or-later"
title = "tencentcloud.tccc: Ansible for Tencent Cloud Contact Center"
html_short_title = "tencentcloud.tccc"

extensions = ["myst_parser", "sphinx_antsibull_ext"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# GitHub-style anchors for the headings, so that the guides' links to sections resolve (or warn).
myst_heading_anchors = 3

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_theme_options = {"display_version": False}
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = "any"
nitpicky = True

# antsibull-docs' pages refer to a few labels of the Ansible documentation, which intersphinx would
# resolve online. Offline, these resolve to their published pages; any other missing label stays an
# error.
ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/latest/"
ANSIBLE_LABELS = {
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values",
                             "Return Values"),
}


def resolve_ansible_label(app, env, node, contnode):
    from docutils import nodes

    target = ANSIBLE_LABELS.get(node.get("reftarget"))
    if node.get("reftype") not in ("ref", "any") or target is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=ANSIBLE_DOCS + target[0])
    reference += contnode if contnode.astext() else nodes.Text(target[1])
    return reference


def setup(app):
    app.connect("missing-reference", resolve_ansible_label)
