"""Two install shapes (docs/decisions/0004-two-install-shapes.md): an LMS installs the blocks only,
authors add the `builder` extra. The blocks must load with none of the builder's dependencies,
and `p2p` without them must say what to install."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILDER_ONLY = ("click", "rjsmin", "rcssmin", "calmjs", "rustici_software_cloud_v2")

# Run first in the child Python: these modules cannot be imported there, as in an LMS without the extra.
BLOCKER = textwrap.dedent(
    f"""
    import sys
    from importlib.abc import MetaPathFinder

    BUILDER_ONLY = {BUILDER_ONLY!r}

    class NotInstalled(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BUILDER_ONLY:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    """
)


def run_without_builder_deps(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_blocks_load_and_render_without_the_builders_dependencies():
    result = run_without_builder_deps(
        """
        import click  # the blocker works: this must fail
        """
    )
    assert result.returncode != 0 and "No module named 'click'" in result.stderr

    result = run_without_builder_deps(
        """
        import json
        import sys
        from importlib.metadata import entry_points
        from pathlib import Path

        from lxml import etree

        from xblocks.common.rendering import render

        loaded = {}
        for entry in entry_points(group="xblock.v1"):
            if entry.value.startswith("xblocks."):  # ours, as the LMS finds them
                loaded[entry.name] = entry.load()
        # Each block's model parses its OLX and its template renders, as student_view does.
        course = Path("tests/fixtures/sample_course")
        for tag in ("scenario_roleplay", "reflection_journal", "facilitation_rubric"):
            block = loaded[tag]
            model_module = sys.modules[block.__module__.rsplit(".", 1)[0] + ".model"]
            source = next((course / tag).glob("*.xml"))
            model, problems = model_module.parse(etree.parse(str(source)).getroot(), str(source))
            assert not problems, problems
            folder = block.__module__.split(".")[1]
            html = render(
                f"{folder}/templates/student_view.html",
                "es",
                block_id="b1",
                content=model_module.view_content(model),
                asset_url=lambda name: name,
            )
            assert 'b1' in html, tag
        leaked = sorted(name for name in sys.modules if name.split(".")[0] in ("builder", *BUILDER_ONLY))
        print(json.dumps({"blocks": sorted(loaded), "builder_modules_loaded": leaked}))
        """
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert {"facilitation_rubric", "reflection_journal", "scenario_roleplay"} <= set(found["blocks"])
    assert found["builder_modules_loaded"] == []


def test_p2p_without_the_builder_extra_says_what_to_install():
    result = run_without_builder_deps(
        """
        import sys
        sys.argv = ["p2p", "validate"]
        from builder.launch import main
        main()
        """
    )
    assert result.returncode == 2
    assert result.stderr == (
        "p2p: the builder is not installed here (click is missing: this install has the XBlocks only)"
        " — install it with: pip install 'p2p-courseware[builder]'\n"
    )


def test_p2p_with_the_builder_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['p2p', '--help']; from builder.launch import main; main()"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Validate P2P courses" in result.stdout


def test_the_lms_install_declares_none_of_the_builders_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {requirement.split(">")[0].split("[")[0].strip().lower() for requirement in project["dependencies"]}
    assert not names & {"click", "rjsmin", "rcssmin", "calmjs.parse", "rustici-software-cloud-v2", "urllib3"}
    builder = {r.split(">")[0].strip().lower() for r in project["optional-dependencies"]["builder"]}
    assert {"click", "rjsmin", "rcssmin", "calmjs.parse", "rustici-software-cloud-v2"} <= builder
    assert project["scripts"]["p2p"] == "builder.launch:main"
