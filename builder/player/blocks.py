"""Our blocks in the offline player: what the player needs of each kind, what it cannot play,
and one block rendered with its own template and the content its script mounts."""

from __future__ import annotations

from builder.course import Component, Course
from builder.player.html import use_static
from xblocks.common.i18n import script_catalogue
from xblocks.common.kind import block_tags, kind
from xblocks.common.problems import Problem
from xblocks.common.rendering import render


def playability_problems(course: Course) -> list[Problem]:
    """Every component the player cannot play, located, with how to fix it."""
    problems = []
    for component in course.components():
        if component.category == "html":
            continue
        block_kind = kind(component.category) if component.block is not None else None
        if block_kind is None:
            problems.append(
                Problem(
                    component.file,
                    component.line,
                    f"<{component.category}> cannot be played in a SCORM package",
                    f"replace it with an html component or one of our blocks ({', '.join(block_tags())}), or remove it",
                )
            )
            continue
        message = block_kind.refuses_scorm(component.block)
        if message:
            problems.append(
                Problem(
                    component.file,
                    component.line,
                    message,
                    "change the block so it can run without a server, or remove it from this course",
                )
            )
    return problems


def render_block(
    course: Course, component: Component, unit_number: int, lang: str, statics: set[str], problems: list[Problem]
) -> dict | None:
    """{"html": the block's frame, "data": what the player mounts it with}, or None after a problem."""
    player = kind(component.category)
    module = player.model
    block_id = component.url_name
    content = module.view_content(component.block)
    for name in module.static_files(component.block):
        use_static(course, name, component, statics, problems)
    try:
        html = render(
            player.template, lang, block_id=block_id, content=content, asset_url=lambda name: f"static/{name}"
        )
    except Exception as error:  # the template is the block's: point at the component that failed
        problems.append(
            Problem(
                component.file,
                component.line,
                f"the {component.category} block could not be rendered: {error}",
                "fix the block's content (run `p2p validate`)",
            )
        )
        return None
    return {
        "html": html,
        "data": {
            "id": block_id,
            "unit": unit_number,
            "global": player.global_name,
            "content": content,
            "i18n": script_catalogue(lang, player.script) if player.script.is_file() else {},
        },
    }
