"""Our blocks in the offline player: what the player needs of each kind, what it cannot play,
and one block rendered with its own template and the content its script mounts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from builder.course import Component, Course, json_line
from builder.player.html import use_static
from xblocks.common.i18n import script_catalogue
from xblocks.common.kind import block_tags, kind, known
from xblocks.common.problems import Problem
from xblocks.common.rendering import render
from xblocks.problem import model as problem_model

# Problem settings Open edX lets a problem inherit from its unit, subsection, chapter or course
# (InheritanceMixin in the platform's xmodule/modulestore/inheritance.py): a course-wide "Maximum
# Attempts" in Advanced Settings limits every problem that does not set its own. The player applies
# them the same way, or the SCORM package would allow attempts the LMS course refuses.
INHERITED_PROBLEM_SETTINGS = ("max_attempts", "showanswer")


def _setting_sources(course: Course, component: Component) -> Iterator[tuple[str, dict[str, str], str, int]]:
    """Where an inheritable setting may be written for this component, nearest first: (policy.json
    entry key, the element's attributes, its file, its line) of its unit, subsection, chapter, course."""
    for chapter, subsection, unit in course.units():
        if any((c.category, c.url_name) == (component.category, component.url_name) for c in unit.components):
            for category, node in (("vertical", unit), ("sequential", subsection), ("chapter", chapter)):
                yield f"{category}/{node.url_name}", node.attrs, node.file, node.line
            break
    yield f"course/{course.run}", course.attrs, str(course.folder / "course" / f"{course.run}.xml"), 1


def inherited_problem_settings(course: Course, component: Component, problems: list[Problem]) -> dict[str, Any]:
    """The settings a problem that does not set them itself inherits, checked as the player needs them."""
    assert isinstance(component.block, problem_model.Model), "called for a problem component"
    own = etree.fromstring(component.block.xml.encode("utf-8")).attrib
    policy_file = course.folder / "policies" / course.run / "policy.json"
    policy = course.policy if isinstance(course.policy, dict) else {}
    found: dict[str, tuple[Any, str, int]] = {}  # name -> (value, where it is written: file, line)
    for name in INHERITED_PROBLEM_SETTINGS:
        if name in own:
            continue
        for key, attrs, file, line in _setting_sources(course, component):
            entry = policy.get(key)
            if isinstance(entry, dict) and name in entry:
                text = policy_file.read_text(encoding="utf-8") if policy_file.is_file() else ""
                found[name] = (entry[name], str(policy_file), json_line(text, name, key))
                break
            if name in attrs:
                found[name] = (attrs[name], file, line)
                break
    settings: dict[str, Any] = {}
    for name, (value, file, line) in found.items():
        text = "null" if value is None else str(value).strip()
        where = f"the {name} that problem '{component.url_name}' inherits"
        if name == "max_attempts":
            if text in ("", "null"):
                settings[name] = None
            elif text.isdigit() and 1 <= int(text) <= 9999:
                settings[name] = int(text)
            else:
                problems.append(
                    Problem(
                        file,
                        line,
                        f'{where} is "{text}", not a whole number of 1 or more',
                        'set "max_attempts" to a number such as 2, or to null for unlimited attempts',
                    )
                )
        elif text in problem_model.SHOWANSWER_OFFLINE:
            settings[name] = text
        else:
            problems.append(
                Problem(
                    file,
                    line,
                    f'{where} is "{text}", which the offline player cannot apply',
                    "use one of: "
                    + ", ".join(problem_model.SHOWANSWER_OFFLINE)
                    + ", or set showanswer on the problem itself",
                )
            )
    return settings


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
) -> dict[str, Any] | None:
    """{"html": the block's frame, "data": what the player mounts it with}, or None after a problem."""
    player = known(component.category)
    module = player.model
    block_id = component.url_name
    content = module.view_content(component.block)
    if component.category == "problem":
        content = {**content, **inherited_problem_settings(course, component, problems)}
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
