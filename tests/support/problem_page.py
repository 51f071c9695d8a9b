"""Playing an Open edX problem in a SCORM package's page, as a keyboard user does, and reading the
package's own grade of it (shared by the problem browser tests)."""


def answer(box, answers: dict) -> None:
    """Answer one problem (the `.p2p-problem` locator `box`) with the keyboard: Space on radios and
    checkboxes, typing in fields, choosing in a select; then Enter on Submit."""
    for part_id, value in answers.items():
        part = box.locator(f"[data-part='{part_id}']")
        if part.locator("select").count():
            part.locator("select").select_option(value)
        elif part.locator("input[type='text']").count():
            part.locator("input[type='text']").fill(value)
        else:
            for choice in value if isinstance(value, list) else [value]:
                field = part.locator(f"input[value='{choice}']")
                field.focus()
                field.press("Space")
    box.locator(".p2p-problem__submit").focus()
    box.locator(".p2p-problem__submit").press("Enter")


def package_grade(sco, url_name: str) -> list:
    """The package's own grade of one problem on the answers it saved (problem.js's grader)."""
    return sco.evaluate(
        """(id) => {
          const doc = P2PStateCodec.decode(window.parent.P2P_LMS.cmi.suspend_data);
          const data = JSON.parse(document.getElementById('p2p-data').textContent);
          const block = data.blocks.find((b) => b.id === id);
          const state = P2PProblem.rules.restore(doc.b[id] || null, block.content);
          const graded = P2PProblem.grade(block.content, state.answers);
          return [graded.earned, graded.possible];
        }""",
        url_name,
    )
