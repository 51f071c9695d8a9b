"""reflection_journal: the OLX format, its validation, and the journal's rules (the twin of journal.js).

OLX:

    <reflection_journal url_name="after_meeting" display_name="Pause and reflect"
                        section="Listening to families" min_words="40" points="0"
                        shared_with_staff="false">
      <guidance>Think of one meeting from this school year.</guidance>
      <prompt id="notice">What did you notice about how the family was invited to speak?</prompt>
      <prompt id="next_step" shared_with_staff="true">What will you try at the next meeting?</prompt>
    </reflection_journal>

A learner's state for one block (the same JSON in Python, in the script, and in SCORM suspend_data):

    {"entries": {"<prompt id>": {"draft": "text not yet submitted",          # absent when none
                                  "versions": [{"text": "...", "at": "2026-11-24T10:00:00Z",
                                                "shared": true}]}}}        # absent: private

A draft equal to the latest submitted version is not kept (no text is stored twice). Every submit
that changes the text, or submits it under another sharing state, adds a version; earlier versions
are never dropped.

Privacy by construction: a version carries the sharing state of its prompt when it was submitted
(`"shared": true`, absent when private, as in every state written before versions carried it).
Staff are handed only versions written while their prompt was shared, and only while it still is
(`staff_share`, `report`): text written while a prompt was private stays private when the author
later shares the prompt. Drafts are never handed to anyone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from lxml import etree

from xblocks.common import rules
from xblocks.common.problems import Problem, located
from xblocks.common.rules import Context, Refused

TAG = "reflection_journal"
MAX_ENTRY_CHARS = 10_000  # per entry, counted in Unicode code points (Python len, JS Array.from)
MAX_MIN_WORDS = 2_000
MAX_POINTS = 100
MAX_PROMPTS = 10
DEFAULT_DISPLAY_NAME = "Pause and reflect"
PROMPT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # as the role-play's lang
BLOCK_ATTRIBUTES = ("url_name", "display_name", "section", "min_words", "points", "shared_with_staff", "lang")
# Read by the builder (pathway levels), not part of the journal itself.
COURSE_ATTRIBUTES = ("audience",)
PROMPT_ATTRIBUTES = ("id", "shared_with_staff")
# The same whitespace characters as WHITESPACE in journal.js, so both count words alike.
_WHITESPACE = re.compile("[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    shared_with_staff: bool = False


@dataclass(frozen=True)
class Journal:
    prompts: tuple[Prompt, ...]
    display_name: str = DEFAULT_DISPLAY_NAME
    section: str = ""
    guidance: str = ""
    min_words: int = 0
    points: int = 0  # 0: not graded; otherwise points for complete entries, shared across prompts
    shared_with_staff: bool = False  # the default for prompts that do not say
    url_name: str = ""
    lang: str = "en"  # the language the author wrote in; pages mark it, so screen readers switch voice


Content = dict[str, Any]  # view_content's JSON: what the rules read, in Python and in the script


class Version(TypedDict):
    """One submitted version of an entry."""

    text: str  # the entry as submitted
    at: str  # when: ISO 8601 UTC to the second, "2026-11-24T10:00:00Z"
    shared: NotRequired[bool]  # True: its prompt was shared with staff as it was submitted; absent: private
    words_elsewhere: NotRequired[int]  # text "" here: the words it had, kept in the browser (SCORM 1.2)


class Entry(TypedDict, total=False):
    """A learner's writing for one prompt (a key is absent when it has nothing)."""

    draft: str  # text not yet submitted; absent when none, or equal to the latest version
    versions: list[Version]  # every submitted version, oldest first; never dropped


class JournalState(TypedDict):
    """A learner's state for one journal block (the same JSON in journal.js and in SCORM suspend_data)."""

    entries: dict[str, Entry]  # by prompt id; a prompt with nothing written has no entry


# ---------------------------------------------------------------- parse / serialize


def _bool(value: str | None, default: bool, where: Any, source: str, name: str, problems: list[Problem]) -> bool:
    if value is None:
        return default
    if value in ("true", "false"):
        return value == "true"
    problems.append(
        located(source, where, f'{name}="{value}" is not a boolean', f'write {name}="true" or {name}="false"')
    )
    return default


def _int(value: str | None, where: Any, source: str, name: str, highest: int, problems: list[Problem]) -> int:
    if value is None:
        return 0
    if re.fullmatch(r"[0-9]{1,6}", value.strip()) and int(value) <= highest:
        return int(value)
    problems.append(
        located(
            source,
            where,
            f'{name}="{value}" is not a whole number from 0 to {highest}',
            f'write e.g. {name}="{min(40, highest)}"',
        )
    )
    return 0


def _plain_text(element: Any, source: str, what: str, problems: list[Problem]) -> str:
    """An element's text; child markup is refused (prompts and guidance are plain text)."""
    tags = [child for child in element if isinstance(child.tag, str)]  # comments are the author's notes
    if tags:
        problems.append(
            located(
                source,
                tags[0],
                f"<{what}> contains markup <{tags[0].tag}>",
                f"write the {what} as plain text (no tags inside)",
            )
        )
    return " ".join("".join(element.itertext()).split())


def parse(element: Any, source: str) -> tuple[Journal | None, list[Problem]]:
    """An lxml element -> (Journal or None, [Problem]); every problem says where and how to fix it."""
    problems: list[Problem] = []
    if element.tag != TAG:
        return None, [located(source, element, f"expected <{TAG}>, found <{element.tag}>", f"use <{TAG}>")]
    for name in element.attrib:
        if name not in BLOCK_ATTRIBUTES + COURSE_ATTRIBUTES:
            problems.append(
                located(
                    source,
                    element,
                    f'<{TAG}> has an unknown attribute "{name}"',
                    "use only: " + ", ".join(BLOCK_ATTRIBUTES + COURSE_ATTRIBUTES),
                )
            )
    block_shared = _bool(element.get("shared_with_staff"), False, element, source, "shared_with_staff", problems)
    min_words = _int(element.get("min_words"), element, source, "min_words", MAX_MIN_WORDS, problems)
    points = _int(element.get("points"), element, source, "points", MAX_POINTS, problems)
    display_name = " ".join((element.get("display_name") or DEFAULT_DISPLAY_NAME).split())
    section = " ".join((element.get("section") or "").split())
    lang = element.get("lang") or "en"
    if not LANGUAGE.match(lang):
        problems.append(
            located(source, element, f'lang="{lang}" is not a language code', "use a code such as en, es or es-MX")
        )
    guidance = ""
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            continue
        if child.tag == "guidance":
            if guidance:
                problems.append(located(source, child, "a second <guidance>", "merge the guidance into one element"))
            guidance = _plain_text(child, source, "guidance", problems)
            continue
        if child.tag != "prompt":
            problems.append(
                located(
                    source,
                    child,
                    f"<{child.tag}> is not allowed in <{TAG}>",
                    'use <guidance> (optional) and one or more <prompt id="...">',
                )
            )
            continue
        for name in child.attrib:
            if name not in PROMPT_ATTRIBUTES:
                problems.append(
                    located(
                        source, child, f'<prompt> has an unknown attribute "{name}"', "use only: id, shared_with_staff"
                    )
                )
        prompt_id = child.get("id") or ""
        if not PROMPT_ID.match(prompt_id):
            problems.append(
                located(
                    source,
                    child,
                    f'prompt id "{prompt_id}" is missing or not a short id',
                    'give every prompt a stable id of lowercase letters, digits, "-" or "_" '
                    '(at most 40), e.g. id="next_step"',
                )
            )
        elif prompt_id in seen:
            problems.append(
                located(source, child, f'prompt id "{prompt_id}" is used twice', "give each prompt its own id")
            )
        seen.add(prompt_id)
        text = _plain_text(child, source, "prompt", problems)
        if not text:
            problems.append(
                located(source, child, f'prompt "{prompt_id}" has no text', "write the question inside <prompt>")
            )
        shared = _bool(child.get("shared_with_staff"), block_shared, child, source, "shared_with_staff", problems)
        prompts.append(Prompt(prompt_id, text, shared))
    if not prompts:
        problems.append(
            located(source, element, f"<{TAG}> has no <prompt>", 'add <prompt id="...">your question</prompt>')
        )
    if len(prompts) > MAX_PROMPTS:
        problems.append(
            located(
                source,
                element,
                f"<{TAG}> has {len(prompts)} prompts",
                f"split it into blocks of at most {MAX_PROMPTS} prompts",
            )
        )
    if problems:
        return None, problems
    return Journal(
        tuple(prompts),
        display_name,
        section,
        guidance,
        min_words,
        points,
        block_shared,
        element.get("url_name") or "",
        lang,
    ), []


def serialize(model: Journal) -> Any:
    element = etree.Element(TAG)
    if model.url_name:
        element.set("url_name", model.url_name)
    element.set("display_name", model.display_name)
    if model.section:
        element.set("section", model.section)
    element.set("min_words", str(model.min_words))
    element.set("points", str(model.points))
    element.set("shared_with_staff", "true" if model.shared_with_staff else "false")
    if model.lang != "en":
        element.set("lang", model.lang)
    if model.guidance:
        etree.SubElement(element, "guidance").text = model.guidance
    for prompt in model.prompts:
        child = etree.SubElement(element, "prompt", id=prompt.id)
        if prompt.shared_with_staff != model.shared_with_staff:
            child.set("shared_with_staff", "true" if prompt.shared_with_staff else "false")
        child.text = prompt.text
    return element


def view_content(model: Journal) -> Content:
    return {
        "id": model.url_name,
        "lang": model.lang,
        "display_name": model.display_name,
        "section": model.section,
        "guidance": model.guidance,
        "min_words": model.min_words,
        "points": model.points,
        "max_chars": MAX_ENTRY_CHARS,
        "prompts": [{"id": p.id, "text": p.text, "shared_with_staff": p.shared_with_staff} for p in model.prompts],
    }


def rules_content(model: Journal) -> Content:
    """What restore, apply and report read: the JSON content, as the script's rules read it (view_content)."""
    return view_content(model)


def static_files(model: Journal) -> list[str]:
    return []


# ---------------------------------------------------------------- rules (twin of P2PJournal.rules)


def word_count(text: str) -> int:
    """Runs of non-space characters that hold at least one letter or digit."""
    return sum(1 for token in _WHITESPACE.split(text) if any(ch.isalnum() for ch in token))


def char_count(text: str) -> int:
    return len(text)


def _prompt(content: Content, prompt_id: str) -> dict[str, Any] | None:
    return next((p for p in content["prompts"] if p["id"] == prompt_id), None)


def restore(saved: object, content: Content) -> JournalState:
    """A saved state (or None) made valid for this content: unknown prompts and malformed parts dropped."""
    entries = saved.get("entries") if isinstance(saved, dict) else None
    restored: dict[str, Entry] = {}
    for prompt in content["prompts"]:
        entry = entries.get(prompt["id"]) if isinstance(entries, dict) else None
        if not isinstance(entry, dict):
            continue
        versions = [
            _restored_version(v)
            for v in entry.get("versions") or []
            if isinstance(v, dict) and isinstance(v.get("text"), str) and isinstance(v.get("at"), str)
        ]
        kept: Entry = {}
        if isinstance(entry.get("draft"), str):
            kept["draft"] = entry["draft"]
        if versions:
            kept["versions"] = versions
        if kept:
            restored[prompt["id"]] = kept
    return {"entries": restored}


def _version(text: str, at: str, shared: bool) -> Version:
    """A submitted version; `shared` only when its prompt was shared with staff as it was submitted."""
    return {"text": text, "at": at, "shared": True} if shared else {"text": text, "at": at}


def _elsewhere(version: Version | dict[str, Any]) -> bool:
    """A version whose text its store could not hold (SCORM 1.2's 4,096 characters): the text is
    kept in the browser it was written in and in the learner's download; here it is "" with the
    number of words it had, so it still counts. Open edX never writes one; the twin script does."""
    words = version.get("words_elsewhere")
    return version.get("text") == "" and type(words) is int and words >= 0


def _restored_version(saved: dict[str, Any]) -> Version:
    """A saved version (its text and date checked) as a Version, with its words kept elsewhere."""
    version = _version(saved["text"], saved["at"], saved.get("shared") is True)
    if _elsewhere(saved):
        version["words_elsewhere"] = saved["words_elsewhere"]
    return version


def _version_words(version: Version) -> int:
    return version["words_elsewhere"] if _elsewhere(version) else word_count(version["text"])


def _current_text(entry: Entry) -> str:
    if "draft" in entry:
        return entry["draft"]
    versions = entry.get("versions") or []
    return versions[-1]["text"] if versions else ""


def _prompt_complete(entry: Entry | None, content: Content) -> bool:
    versions = (entry or Entry()).get("versions") or []
    return bool(versions) and _version_words(versions[-1]) >= max(content["min_words"], 1)


def entry_view(entry: Entry | None, content: Content) -> dict[str, Any]:
    entry = entry or Entry()
    text = _current_text(entry)
    return {
        "draft": entry.get("draft"),
        "versions": [
            {"text": v["text"], "at": v["at"], "words": _version_words(v)} for v in entry.get("versions") or []
        ],
        "words": word_count(text),
        "chars": char_count(text),
        "complete": _prompt_complete(entry, content),
    }


def completion(state: JournalState, content: Content) -> float:
    """The share of prompts with a submitted entry of at least min_words words."""
    done = sum(1 for p in content["prompts"] if _prompt_complete(state["entries"].get(p["id"]), content))
    return done / len(content["prompts"])


def score(state: JournalState, content: Content) -> dict[str, Any] | None:
    if not content["points"]:
        return None
    done = sum(1 for p in content["prompts"] if _prompt_complete(state["entries"].get(p["id"]), content))
    return {"earned": content["points"] * done / len(content["prompts"]), "possible": content["points"]}


def view_state(state: JournalState, content: Content) -> dict[str, Any]:
    return {
        "entries": {p["id"]: entry_view(state["entries"].get(p["id"]), content) for p in content["prompts"]},
        "completed": completion(state, content) == 1,
        "score": score(state, content),
    }


def _checked_text_payload(payload: object, content: Content) -> tuple[str, str]:
    if not isinstance(payload, dict) or set(payload) != {"prompt_id", "text"}:
        raise Refused("send exactly {prompt_id, text}")
    prompt_id, text = payload["prompt_id"], payload["text"]
    if not isinstance(prompt_id, str) or _prompt(content, prompt_id) is None:
        raise Refused("unknown prompt")
    if not isinstance(text, str):
        raise Refused("text must be a string")
    if char_count(text) > content["max_chars"]:
        raise Refused(f"an entry holds at most {content['max_chars']} characters")
    return prompt_id, text


def save_draft(state: JournalState, payload: object, content: Content, now: str) -> Answer:
    prompt_id, text = _checked_text_payload(payload, content)
    entry = (state["entries"].get(prompt_id) or Entry()).copy()
    versions = entry.get("versions") or []
    if (versions and versions[-1]["text"] == text) or (not versions and text == ""):
        entry.pop("draft", None)  # nothing new to keep: the text is already stored (or empty)
    else:
        entry["draft"] = text
    entries = dict(state["entries"])
    if entry:
        entries[prompt_id] = entry
    else:
        entries.pop(prompt_id, None)
    new_state: JournalState = {"entries": entries}
    return new_state, {"prompt_id": prompt_id, "entry": entry_view(entry, content)}


DRAFTS_KEYS = {"drafts", "page", "seq"}


def checked_drafts_payload(payload: object, content: Content) -> list[tuple[str, str]]:
    """{drafts: [{prompt_id, text}...], page?, seq?} checked whole: one bad item refuses everything.
    `page` and `seq` order one page's requests (the XBlock drops a save that arrives after a newer one)."""
    if not isinstance(payload, dict) or "drafts" not in payload or not set(payload) <= DRAFTS_KEYS:
        raise Refused("send {drafts: [{prompt_id, text}, ...]}")
    if "page" in payload and (not isinstance(payload["page"], str) or not 0 < len(payload["page"]) <= 40):
        raise Refused("page must be a short string")
    seq = payload.get("seq", 0)
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= 2**53:
        raise Refused("seq must be a whole number")
    drafts = payload["drafts"]
    if not isinstance(drafts, list) or not 0 < len(drafts) <= len(content["prompts"]):
        raise Refused(f"drafts must be a list of 1 to {len(content['prompts'])} items")
    items = [_checked_text_payload(item, content) for item in drafts]
    if len({prompt_id for prompt_id, _ in items}) != len(items):
        raise Refused("each prompt at most once")
    return items


def save_drafts(state: JournalState, payload: object, content: Content, now: str) -> Answer:
    """Several prompts' drafts in one request and one write (leaving the page saves them all at once)."""
    items = checked_drafts_payload(payload, content)
    answers: dict[str, Any] = {}
    for prompt_id, text in items:
        state, answer = save_draft(state, {"prompt_id": prompt_id, "text": text}, content, now)
        answers[prompt_id] = answer["entry"]
    return state, {"entries": answers}


def submit(state: JournalState, payload: object, content: Content, now: str) -> Answer:
    prompt_id, text = _checked_text_payload(payload, content)
    if not text.strip():
        raise Refused("write something before submitting")
    entry = (state["entries"].get(prompt_id) or Entry()).copy()
    versions = list(entry.get("versions") or [])
    prompt = _prompt(content, prompt_id)
    assert prompt is not None  # _checked_text_payload refused an unknown prompt
    version = _version(text, now, prompt["shared_with_staff"])
    last = versions[-1] if versions else None
    if last is None or (last["text"], last.get("shared", False)) != (text, version.get("shared", False)):
        versions.append(version)
    entry = {"versions": versions}
    entries = dict(state["entries"], **{prompt_id: entry})
    new_state: JournalState = {"entries": entries}
    view = entry_view(entry, content)
    return new_state, {
        "prompt_id": prompt_id,
        "entry": view,
        "met_min_words": view["complete"],
        "completed": completion(new_state, content) == 1,
        "score": score(new_state, content),
    }


def read_state(state: JournalState, payload: object, content: Content, now: str) -> Answer:
    return state, view_state(state, content)


def journal_entries(state: JournalState, content: Content, block_id: str = "") -> list[dict[str, Any]]:
    """This block's part of the course journal: one item per prompt the learner has written for."""
    items = []
    for prompt in content["prompts"]:
        entry = state["entries"].get(prompt["id"])
        if not entry:
            continue
        view = entry_view(entry, content)
        items.append(
            {
                "block": block_id or content["id"],
                "lang": content.get("lang") or "en",
                "section": content["section"],
                "title": content["display_name"],
                "prompt_id": prompt["id"],
                "prompt": prompt["text"],
                "shared_with_staff": prompt["shared_with_staff"],
                "draft": view["draft"],
                "versions": view["versions"],
            }
        )
    return items


def own_journal(state: JournalState, payload: object, content: Content, now: str) -> Answer:
    return state, {"entries": journal_entries(state, content)}


# (new state, response): what every rule answers
Answer = tuple[JournalState, dict[str, Any]]

HANDLERS: dict[str, Callable[[JournalState, object, Content, str], Answer]] = {
    "state": read_state,
    "save_draft": save_draft,
    "save_drafts": save_drafts,
    "submit": submit,
    "journal": own_journal,
}


def apply(handler: str, state: JournalState, payload: object, content: Content, ctx: Context | None = None) -> Answer:
    """Run one rule: (new state, response) or Refused. The given state is never mutated; a submitted
    version is stamped with the context's time (`rules.now`)."""
    if handler not in HANDLERS:
        raise Refused(f"unknown handler {handler}", 404)
    return HANDLERS[handler](state, payload, content, rules.now(ctx))


def staff_share(state: JournalState, content: Content) -> dict[str, dict[str, str]]:
    """What staff may read of this state: per prompt shared now, its latest version submitted while
    the prompt was shared, {prompt id: {"text", "at"}}. Nothing else ever leaves the learner's state."""
    shared: dict[str, dict[str, str]] = {}
    for prompt in content["prompts"]:
        if not prompt["shared_with_staff"]:
            continue
        versions = (state["entries"].get(prompt["id"]) or Entry()).get("versions") or []
        written_shared = [v for v in versions if v.get("shared") is True]
        if written_shared:
            shared[prompt["id"]] = {"text": written_shared[-1]["text"], "at": written_shared[-1]["at"]}
    return shared


def report(state: JournalState, content: Content, block_id: str = "") -> dict[str, Any]:
    """What the SCORM player reports. Private entries report only a word count, never the text:
    LMS administrators can read interactions, and private entries are for the learner alone. An
    entry is private unless its latest version was submitted while its prompt was shared, and the
    prompt still is.
    `block_id` is the player's id for the block (content["id"] is empty for pointer-form OLX)."""
    interactions = []
    for prompt in content["prompts"]:
        versions = (state["entries"].get(prompt["id"]) or Entry()).get("versions") or []
        if not versions:
            continue
        last = versions[-1]
        shared = prompt["shared_with_staff"] and last.get("shared") is True
        interactions.append(
            {
                "id": f"{block_id or content['id']}-{prompt['id']}",
                "type": "long-fill-in",
                "description": prompt["text"],
                "response": last["text"] if shared else f"private entry, {_version_words(last)} words",
                "result": "neutral",
            }
        )
    return {"completed": completion(state, content) == 1, "score": score(state, content), "interactions": interactions}
