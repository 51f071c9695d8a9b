"""The XBlock half of the block contract, written once (docs/architecture.md, "The XBlock base").

A block class names its kind, the field that holds its content and its Studio texts; `P2PBlock` does the
rest the same way for every block:

- **content**: the authored OLX element (without `url_name`, which the runtime owns, and without the
  platform's own attributes) kept as text in one `Scope.content` field, and parsed by the block's model
  once per text (`parse_content`, one cache for all blocks). Content that no longer validates shows a
  notice (with the problems, for staff) instead of failing the page.
- **OLX**: `parse_xml` refuses invalid content whole with located problems; `add_xml_to_node` writes
  the content back as it was authored, with the platform's attributes.
- **views**: `student_view` renders the kind's template and mounts its script with one init argument
  (JSON with no '<'); `studio_view` is one editor for every block (the OLX, checked as it is typed, saved
  only without problems); `validate()` gives Studio the same problems as validation messages.
- **handlers** (`json_handler`): permission first, then the body through a bounded JSON decoder, then
  the block's method; every refusal (`Refused`, a bad body) answers 4xx `{"error": message}` in the
  user's language, and a refused request changes nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from lxml import etree
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import InvalidScopeError
from xblock.validation import ValidationMessage

from . import handlers, platform
from .handlers import json_body, json_response
from .i18n import _, gettext, script_catalogue
from .kind import BlockKind
from .problems import Problem
from .rendering import XBLOCKS_DIR, environment, render, static_text
from .rules import Context, Refused

MAX_CONTENT_CHARS = 500_000  # a Studio save longer than this is refused, not parsed
STUDIO_SCRIPT = XBLOCKS_DIR / "common" / "static" / "p2p-studio.js"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


ONLY_AUTHORS = _("Only the course team can change this content.")


class Parsed(NamedTuple):
    """A block's content read by its model: the model (None when there are problems) and the problems."""

    model: Any
    problems: tuple[Problem, ...]


@functools.lru_cache(maxsize=64)
def parse_content(model_module: Any, text: str, source: str) -> Parsed:
    """Content text -> its model, once per text for every block (a page shows many blocks, and every
    request reads the content). XML that is not well-formed is a located problem like any other."""
    try:
        element = etree.fromstring(text.encode("utf-8"), _SAFE_PARSER)
    except UnicodeEncodeError as error:  # a lone surrogate: JSON can carry it, no XML file can
        line = text[: error.start].count("\n") + 1
        return Parsed(None, (Problem(source, line, "half of a character (a lone surrogate)", "retype it"),))
    except etree.XMLSyntaxError as error:
        problem = Problem(
            source,
            error.lineno or None,
            f"the XML is not well-formed: {error.msg}",
            "close every element and escape & and < in text as &amp; and &lt;",
        )
        return Parsed(None, (problem,))
    found, problems = model_module.parse(element, source)
    return Parsed(None if problems else found, tuple(problems))


def _own_element(node):
    """A copy of an element for the block to keep: no tail, no url_name (the runtime names the block)."""
    own = etree.fromstring(etree.tostring(node))
    own.tail = None
    own.attrib.pop("url_name", None)
    return own


def _warnings(found) -> list[Problem]:
    """What a model warns of (saved anyway: a role-play's variable set but never read)."""
    return list(getattr(found, "warnings", None) or ())


def _lines(problems) -> list[dict]:
    return [{"line": p.line, "message": p.message, "fix": p.fix, "text": str(p)} for p in problems]


@functools.cache
def _starter_text(starter: str) -> str:
    return etree.tostring(_own_element(etree.fromstring(starter.encode("utf-8"), _SAFE_PARSER)), encoding="unicode")


def json_handler(
    *,
    requires: str | None = None,
    refusal: str = "",
    methods: tuple[str, ...] = ("POST",),
    max_bytes: Callable[[Any], int] | None = None,
):
    """An XBlock handler of ours: `method(self, payload, request)` returns a JSON-safe value (or a
    Response). `requires`: "staff" (course staff) or "author" (may change the content), checked before
    the body is read, and `refusal` the message (403) for anyone else; `methods`: the HTTP methods
    allowed; `max_bytes(block)`: the largest body (default `block.max_request_bytes`)."""

    def decorate(method):
        @functools.wraps(method)
        def handler(self, request, suffix=""):
            return self.dispatch(method, request, requires, refusal, methods, max_bytes)

        handler.p2p_requires = requires  # type: ignore[attr-defined]  # who may call it (student_view_data)
        return XBlock.handler(handler)

    return decorate


def rule_handler(name: str, **options):
    """A handler that runs the model's rule `name`: `block.run_rule(name, payload)` (options: json_handler's)."""

    def run(self, payload, request):
        return self.run_rule(name, payload)

    run.__name__ = run.__qualname__ = name
    return json_handler(**options)(run)


@XBlock.wants("user", "studio_user_permissions")  # who is staff (LMS) and who may author (Studio)
class P2PBlock(XBlock):
    """What every block of ours does the same way; the subclass gives its kind, fields and rules."""

    block_kind: ClassVar[BlockKind]
    content_field: ClassVar[str]  # the Scope.content String field holding the authored OLX
    model_attributes: ClassVar[tuple[str, ...]]  # root attributes the model reads (they win a name clash)
    editor_source: ClassVar[str]  # how problems found in Studio's editor name their file
    starter: ClassVar[str]  # the OLX a block added in Studio starts from
    studio_label: ClassVar[str]
    studio_help: ClassVar[str]
    not_saved: ClassVar[str]  # the first line of a refused save
    warnings_label: ClassVar[str] = _("Warnings (the content can still be saved):")
    unavailable: ClassVar[str] = _(
        "This activity cannot be shown because its content has problems. Please tell the course team."
    )
    max_request_bytes: ClassVar[int] = 100_000

    # ------------------------------------------------------------ content

    @property
    def content_text(self) -> str:
        return getattr(self, self.content_field) or _starter_text(self.starter)

    def parsed(self) -> Parsed:
        return parse_content(self.block_kind.model, self.content_text, self.editor_source)

    def content_model(self) -> Any:
        """The content's model; Refused (409) when the stored content has problems (edited by hand)."""
        found = self.parsed().model
        if found is None:
            problems = "; ".join(str(p) for p in self.parsed().problems[:3])
            raise Refused(_("This activity's content has problems, so nothing was changed:"), 409, problems)
        return found

    def store_content(self, element, source: str) -> tuple[Problem, ...]:
        """Keep `element` as the block's content if the model accepts it; its problems otherwise, located
        in `source` (the author's file). Parsed through the cache: the next request finds it there."""
        text = etree.tostring(_own_element(element), encoding="unicode")
        parsed = parse_content(self.block_kind.model, text, self.editor_source)
        if parsed.model is None:
            return tuple(self.block_kind.model.parse(element, source)[1]) or parsed.problems
        setattr(self, self.content_field, text)
        self.display_name = parsed.model.display_name
        return ()

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        own = platform.take_platform_attributes(block, node, cls.model_attributes)
        own.tail = None
        source = node.getroottree().docinfo.URL or cls.block_kind.tag
        problems = block.store_content(own, source)
        if problems:
            raise ValueError(f"<{cls.block_kind.tag}> is not valid:\n" + "\n".join(str(p) for p in problems))
        return block

    def add_xml_to_node(self, node):
        source = etree.fromstring(self.content_text.encode("utf-8"), _SAFE_PARSER)
        node.tag = source.tag
        for name, value in source.attrib.items():
            node.set(name, value)
        node.set("display_name", self.display_name)
        node.text = source.text
        for child in source:
            node.append(child)
        platform.add_platform_attributes(self, node, self.model_attributes)

    # ------------------------------------------------------------ identity, language, permissions

    @property
    def block_id(self) -> str:
        """An HTML id for this block on a page (usage ids hold ':', '+', '@')."""
        return f"p2p-{self.block_kind.name}-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(self.scope_ids.usage_id))

    @property
    def content_id(self) -> str:
        """The block's name in the course: Open edX's url_name (the usage key's block id), or a
        page-unique id in runtimes whose keys have none (the workbench)."""
        return str(getattr(self.scope_ids.usage_id, "block_id", "") or self.block_id)

    @staticmethod
    def translate(text: str) -> str:
        return gettext(text, platform.current_language())

    def is_staff(self) -> bool:
        return platform.user_is_staff(self)

    @property
    def in_preview(self) -> bool:
        return platform.in_studio_preview(self)

    def publish(self, event_type: str, data: dict) -> None:
        """runtime.publish, except a grade or completion from Studio's preview (the author is no learner)."""
        if event_type in ("grade", "completion") and self.in_preview:
            return
        self.runtime.publish(self, event_type, data)

    # ------------------------------------------------------------ handlers

    def allowed(self, requires: str | None) -> bool:
        if requires == "staff":
            return self.is_staff()
        if requires == "author":
            return platform.can_edit_content(self)
        return requires is None

    def dispatch(self, method, request, requires, refusal, methods, max_bytes) -> Response:
        """Run one handler: permission, method, bounded body, the block's rule; 4xx for every refusal."""
        try:
            if not self.allowed(requires):
                raise Refused(refusal, 403)
            if request.method not in methods:
                raise Refused(_("Use POST."), 405)
            limit = max_bytes(self) if max_bytes else self.max_request_bytes
            try:
                payload = json_body(request.body if request.method == "POST" else b"", limit)
            except ValueError as error:
                raise Refused(str(error), 400) from None
            answer = method(self, payload, request)
        except Refused as refused:
            return json_response({"error": refused.text(self.translate)}, refused.status)
        return answer if isinstance(answer, Response) else json_response(answer)

    # ------------------------------------------------------------ learner view

    def view_content(self, found) -> dict:
        """The JSON-safe content the script and template get (the model's view_content, named)."""
        content = self.block_kind.model.view_content(found)
        if "id" in content and not content["id"]:
            content["id"] = self.content_id
        if "display_name" in content and self.fields["display_name"].is_set_on(self):
            content["display_name"] = self.display_name  # Studio renames a block in this field
        return content

    def template_content(self, content: dict) -> dict:
        """What the template shows of the content (a block may hold back answer keys)."""
        return content

    def view_data(self, found, content: dict) -> dict:
        """The script's init data beyond content, language and strings: at least the learner's `state`."""
        raise NotImplementedError

    def run_rule(self, name: str, payload) -> dict:
        """Apply the model's rule `name` to the learner's state; store and publish what changed."""
        raise NotImplementedError

    def rule_context(self) -> Context:
        """What this runtime tells a rule (the `ctx` of model.apply): the server's clock."""
        return {"now": handlers.utc_now()}

    @classmethod
    def learner_handlers(cls) -> list[str]:
        """The handlers any learner may call (no staff or author check), by name."""
        return sorted(
            name
            for name in dir(cls)
            if getattr(getattr(cls, name, None), "_is_xblock_handler", False)
            and getattr(getattr(cls, name), "p2p_requires", "") is None
        )

    def student_view_data(self, context=None):
        """What a native client (the Open edX mobile apps) needs to show the block: the content as the
        page's script gets it (no answer keys), the handlers it calls with the learner's state, and the
        language. The Course Blocks API collects this once per course version for every user
        (StudentViewTransformer.collect, on the block not bound to anyone): so no learner state here."""
        found = self.parsed().model
        if found is None:
            return {"kind": self.block_kind.tag, "available": False}
        return {
            "kind": self.block_kind.tag,
            "available": True,
            "content": self.template_content(self.view_content(found)),
            "handlers": self.learner_handlers(),
        }

    @XBlock.supports("multi_device")  # each block is laid out for a phone (browser tests at 320-360 px)
    def student_view(self, context=None):
        lang = platform.current_language()
        found = self.parsed().model
        if found is None:
            problems = [str(p) for p in self.parsed().problems] if self.is_staff() else []
            html = render(
                "common/templates/unavailable.html",
                lang,
                block_id=self.block_id,
                message=self.unavailable,
                problems=problems,
            )
            return Fragment(html)
        content = self.view_content(found)
        shown = self.template_content(content)
        kind = self.block_kind
        html = render(kind.template, lang, block_id=self.block_id, content=shown, asset_url=lambda n: f"/static/{n}")
        if self.in_preview:
            html = render("common/templates/preview_notice.html", lang) + html
        fragment = Fragment(html)
        fragment.add_css(kind.style.read_text(encoding="utf-8"))
        fragment.add_javascript(static_text("common/static/p2p-store.js"))
        for script in kind.lms_scripts:
            fragment.add_javascript(script.read_text(encoding="utf-8"))
        data = {
            "content": shown,
            "lang": lang,
            "i18n": script_catalogue(lang, *kind.lms_scripts),
            "csrf_cookie": platform.csrf_cookie_name(),
            **self.view_data(found, content),
        }
        # The runtime writes init args into a <script> element with plain json.dumps, where author or
        # learner text holding "</script>" would end the element: this string has no "<" at all.
        fragment.initialize_js(f"{kind.global_name}Init", {"json": str(environment(lang).filters["script_json"](data))})
        return fragment

    # ------------------------------------------------------------ Studio

    def studio_view(self, context=None):
        lang = platform.current_language()
        html = render(
            "common/templates/studio_view.html",
            lang,
            block_id=self.block_id + "-studio",
            name=self.block_kind.name,
            label=self.studio_label,
            help=self.studio_help,
            xml=self.content_text,
            problems=[str(p) for p in self.parsed().problems],
            warnings=[str(w) for w in _warnings(self.parsed().model)],
            warnings_label=self.warnings_label,
        )
        fragment = Fragment(html)
        fragment.add_css(static_text("common/static/p2p-studio.css"))
        fragment.add_javascript(static_text("common/static/p2p-store.js"))
        fragment.add_javascript(static_text("common/static/p2p-studio.js"))
        data = {
            "i18n": script_catalogue(lang, STUDIO_SCRIPT),
            "csrf_cookie": platform.csrf_cookie_name(),
            "warnings_label": gettext(self.warnings_label, lang),
        }
        fragment.initialize_js("P2PStudioInit", data)
        return fragment

    def _editor_text(self, payload) -> str:
        xml = payload.get("xml") if isinstance(payload, dict) else None
        if not isinstance(xml, str):
            raise Refused(_('Send the content as {"xml": "..."}.'))
        if len(xml) > MAX_CONTENT_CHARS:
            raise Refused(_("The content is too long."), 400, f"{MAX_CONTENT_CHARS}")
        return xml

    def _checked(self, payload) -> Parsed:
        return parse_content(self.block_kind.model, self._editor_text(payload), self.editor_source)

    @json_handler(requires="author", refusal=ONLY_AUTHORS, max_bytes=lambda block: 8 * MAX_CONTENT_CHARS)
    def check_content(self, payload, request):
        """Live checking for the editor: the model's problems, nothing saved."""
        parsed = self._checked(payload)
        return {
            "valid": parsed.model is not None,
            "problems": _lines(parsed.problems),
            "warnings": _lines(_warnings(parsed.model)),
        }

    @json_handler(requires="author", refusal=ONLY_AUTHORS, max_bytes=lambda block: 8 * MAX_CONTENT_CHARS)
    def studio_submit(self, payload, request):
        """Save edited content, or refuse it whole: the first line says so, each further line is a problem.
        Content writes need an author: Studio's permission, or course staff (the workbench included)."""
        xml = self._editor_text(payload)
        parsed = self._checked(payload)
        if parsed.model is None:
            lines = [self.translate(self.not_saved)] + [str(p) for p in parsed.problems]
            raise Refused("\n".join(lines))
        try:
            self.store_content(etree.fromstring(xml.encode("utf-8"), _SAFE_PARSER), self.editor_source)
        except InvalidScopeError:  # the LMS keeps course content read-only: it is edited in Studio
            raise Refused(_("Course content is edited in Studio."), 403) from None
        return {"saved": True, "display_name": parsed.model.display_name, "warnings": _lines(_warnings(parsed.model))}

    def validate(self):
        """Studio shows these on the unit page: the content's problems as errors, its warnings as warnings."""
        validation = super().validate()
        parsed = self.parsed()
        for problem in parsed.problems:
            validation.add(ValidationMessage(ValidationMessage.ERROR, str(problem)))
        for warning in _warnings(parsed.model):
            validation.add(ValidationMessage(ValidationMessage.WARNING, str(warning)))
        return validation
