"""What keeps a package's scripts small (the 35 KB budget is measured by `python -m bench.package_budget`):
every script the player bundles is ES5 that the minifier can read, so its local names are shortened;
a package carries the certificate script only when it has a certificate, and never the rubric's
trainer interface (a SCORM build refuses trainer mode), which Open edX still loads."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import rjsmin
from calmjs.parse import es5
from scorm_helpers import DATA, build

from builder.player.package import CERTIFICATE_SCRIPT, CORE_SCRIPTS, SHELL_SCRIPT, minified_script
from builder.targets.scorm import RUNTIME_SCRIPT
from xblocks.common.kind import block_kinds, known

PLAYER_SCRIPTS = (*CORE_SCRIPTS, CERTIFICATE_SCRIPT, RUNTIME_SCRIPT, SHELL_SCRIPT)


def test_every_bundled_script_is_es5_and_gets_its_local_names_shortened():
    kinds = [*block_kinds().values(), known("problem")]  # problems are the platform's in Open edX
    scripts = [*PLAYER_SCRIPTS, *(k.script for k in kinds if k.script.is_file())]
    assert len(scripts) >= 11
    for path in scripts:
        source = path.read_text(encoding="utf-8")
        es5(source)  # raises with the line of anything the minifier cannot read (e.g. "**", arrow functions)
        shortened, stripped = minified_script(source), rjsmin.jsmin(source)
        assert len(shortened) < 0.9 * len(stripped), path.name
        assert len(gzip.compress(shortened.encode())) < len(gzip.compress(stripped.encode())), path.name


def test_a_script_the_es5_parser_cannot_read_is_still_packed_stripped():
    source = "/* a block from elsewhere */\nconst twice = (x) => x * 2;  // ES2015\n"
    assert minified_script(source) == rjsmin.jsmin(source)


def test_certificate_script_only_in_a_package_with_a_certificate(tmp_path):
    certificate_global = "P2PCertificate="
    without = build(DATA / "sample_course", "scorm2004", tmp_path / "sample")
    with zipfile.ZipFile(without) as archive:
        assert certificate_global not in archive.read("player/p2p-player.js").decode("utf-8")
    level = build(Path(__file__).resolve().parents[2] / "courses" / "facilitation", "scorm12", tmp_path / "fac")
    with zipfile.ZipFile(level) as archive:
        assert certificate_global in archive.read("player/p2p-player.js").decode("utf-8")


def test_trainer_interface_is_loaded_by_open_edx_only(tmp_path):
    rubric = known("facilitation_rubric")
    certification = rubric.folder / "static" / "rubric-certification.js"
    assert rubric.lms_scripts == (rubric.script, certification)
    package = build(Path(__file__).resolve().parents[2] / "courses" / "facilitation", "scorm2004", tmp_path)
    with zipfile.ZipFile(package) as archive:
        bundle = archive.read("player/p2p-player.js").decode("utf-8")
    assert "P2PRubric=" in bundle and "P2PRubricCertification" in bundle  # rubric.js names it, guarded
    assert "P2PRubricCertification=" not in bundle
