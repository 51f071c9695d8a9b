"""Author HTML made safe to show: an allow-list applied by nh3 (the Ammonia sanitizer), and a report
of what it takes out, located, so `p2p validate` can tell the author (docs/decisions/0005-html-sanitizer.md).

    clean = sanitize(html)                        # what a learner is shown
    removed = removals(html)                      # [(line, what, why)], what `sanitize` took out

nh3 parses the HTML as a browser does (html5ever) and writes back only what the policy allows, so
entity-encoded or whitespace-split `javascript:`, attributes without a space before them, `<svg>`
payloads and markup hidden in comments or processing instructions never reach the page. `removals`
reads the same policy with Python's HTML parser only to name what was removed; it never decides
what is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import NamedTuple

import nh3

# Tags whose content goes with them (code, styles, embedded documents, form controls).
_DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "title", "textarea", "select"}
)
# Attributes that hold a URL (the scheme is checked).
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "formaction", "background", "longdesc"})
# Element ids and classes the page around author HTML uses: an author's element of the same name would
# take over the player's (window.API is how a SCORM package finds its LMS).
_RESERVED_NAME = re.compile(r"^(?:p2p|API$|API_1484_11$)", re.I)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# What a browser ignores in a URL before it reads the scheme (WHATWG URL: tab and newline anywhere,
# C0 controls and spaces at either end).
_URL_IGNORED = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


@dataclass(frozen=True)
class Policy:
    """What author HTML may hold: tags, attributes (per tag, "*" for every tag, plus `aria-*` when
    `aria` is set), URL schemes besides relative URLs, and CSS properties in `style`."""

    name: str
    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    aria: bool = False
    url_schemes: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
    style_properties: frozenset[str] = frozenset()

    def allows_attribute(self, tag: str, name: str) -> bool:
        return (
            name in self.attributes.get(tag, frozenset())
            or name in self.attributes.get("*", frozenset())
            or (self.aria and name.startswith("aria-"))
        )


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GLOBAL = frozenset({"class", "id", "lang", "dir", "title", "role", "tabindex", "hidden", "translate"})
_CELL = frozenset({"colspan", "rowspan", "headers", "scope", "abbr"})

# What the courses' html components use, and the usual HTML of a course page around them: text,
# headings, lists, tables, disclosure, figures, local media with captions, links and images.
COURSE_HTML = Policy(
    "course html",
    tags=_names(
        """a abbr address article aside audio b bdi bdo blockquote br caption cite code col colgroup dd del
        details dfn div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p picture
        pre q rp rt ruby s samp section small source span strong sub summary sup table tbody td tfoot th
        thead time tr track u ul var video wbr"""
    ),
    attributes={
        "*": _GLOBAL | {"style"},
        "a": frozenset({"href", "hreflang", "target", "download", "type"}),
        "img": frozenset({"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"}),
        "source": frozenset({"src", "srcset", "type", "media", "sizes"}),
        "track": frozenset({"src", "kind", "srclang", "label", "default"}),
        "audio": frozenset({"src", "controls", "preload", "loop", "muted"}),
        "video": frozenset({"src", "controls", "preload", "loop", "muted", "poster", "width", "height", "playsinline"}),
        "td": _CELL,
        "th": _CELL,
        "col": frozenset({"span"}),
        "colgroup": frozenset({"span"}),
        "ol": frozenset({"start", "reversed", "type"}),
        "li": frozenset({"value"}),
        "blockquote": frozenset({"cite"}),
        "q": frozenset({"cite"}),
        "del": frozenset({"cite", "datetime"}),
        "ins": frozenset({"cite", "datetime"}),
        "time": frozenset({"datetime"}),
        "details": frozenset({"open"}),
        "abbr": frozenset({"title"}),
    },
    aria=True,
    # Layout and colour: nothing that covers the page (position, z-index) or adds text (content). A
    # background-image url() is checked by the SCORM target (a package's own file, never the network).
    style_properties=_names(
        """overflow overflow-x overflow-y text-align vertical-align white-space width max-width min-width
        height max-height min-height margin margin-top margin-bottom margin-left margin-right padding
        padding-top padding-bottom padding-left padding-right font-style font-weight text-decoration
        list-style-type border border-collapse color background-color background-image background-position
        background-repeat background-size font-size line-height"""
    ),
)


class Removal(NamedTuple):
    """One thing `sanitize` takes out: its line in the html (1 = the first), what, and why."""

    line: int
    what: str
    why: str


def sanitize(html: str, policy: Policy = COURSE_HTML) -> str:
    """The html with only what `policy` allows (tags unwrapped, their text kept; code and embedded
    documents dropped with their content; comments dropped)."""
    return nh3.clean(
        html,
        tags=set(policy.tags),
        clean_content_tags=set(_DROPPED_WITH_CONTENT - policy.tags),
        attributes={tag: set(names) for tag, names in policy.attributes.items()},
        attribute_filter=_attribute_filter(policy),
        generic_attribute_prefixes={"aria-"} if policy.aria else set(),
        url_schemes=set(policy.url_schemes),
        filter_style_properties=set(policy.style_properties),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _attribute_filter(policy: Policy) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, name: str, value: str) -> str | None:
        if name in ("id", "class"):
            kept = [token for token in value.split() if not _RESERVED_NAME.match(token)]
            return " ".join(kept) if kept else None
        return value

    return keep


def removals(html: str, policy: Policy = COURSE_HTML) -> list[Removal]:
    """What `sanitize(html, policy)` takes out, in order, with the line it is on."""
    reader = _RemovalReader(policy)
    reader.feed(parsed_form(html))
    reader.close()
    return reader.removed


def parsed_form(html: str) -> str:
    """The html as a browser parses it, written back with nothing removed (comments kept, so lines
    stay where they were): what `removals` reads, so it sees what nh3 sees, not what Python's parser
    would make of markup browsers read differently (`--!>` ending a comment, `<?...>`, `<svg/onload>`)."""
    tags = {tag.lower() for tag in _TAG_NAME.findall(html)}
    schemes = {scheme.lower() for scheme in _SCHEME_LIKE.findall(_URL_IGNORED.sub("", unescape(html)))}
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=set(),
        attributes={},
        generic_attribute_prefixes={""},
        url_schemes=schemes,
        strip_comments=False,
        link_rel=None,
    )


_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>\x00]*)")
_SCHEME_LIKE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_CODE = "author HTML may not run code"
_NOT_ALLOWED = "not among the tags a course page may use"


class _RemovalReader(HTMLParser):
    def __init__(self, policy: Policy):
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.removed: list[Removal] = []
        self.dropping: list[str] = []  # open tags removed with their content

    def add(self, what: str, why: str) -> None:
        self.removed.append(Removal(self.getpos()[0], what, why))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check(tag, attrs, closes_itself=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check(tag, attrs, closes_itself=True)

    def check(self, tag: str, attrs: list[tuple[str, str | None]], closes_itself: bool) -> None:
        if self.dropping:
            if tag == self.dropping[-1] and not closes_itself:
                self.dropping.append(tag)
            return
        policy = self.policy
        if tag not in policy.tags:
            if tag in _DROPPED_WITH_CONTENT:
                self.add(
                    f"<{tag}> and its content", _CODE if tag in ("script", "noscript", "template") else _NOT_ALLOWED
                )
                if not closes_itself:
                    self.dropping.append(tag)
            elif tag in ("base", "meta", "link", "embed", "frame", "frameset", "form", "input", "button", "applet"):
                self.add(f"<{tag}>", "it would change or leave the page around it")
            else:
                self.add(f"<{tag}> (its text is kept)", _NOT_ALLOWED)
            return
        for name, given in attrs:
            value = given or ""
            if tag == "a" and name == "rel":
                continue  # nh3 sets it (noopener noreferrer)
            if name.startswith("on"):
                self.add(f"<{tag} {name}>", _CODE)
            elif not policy.allows_attribute(tag, name):
                self.add(f"<{tag} {name}>", "not among the attributes a course page may use")
            elif name in URL_ATTRIBUTES and not self.url_allowed(value):
                self.add(f'<{tag} {name}="{_scheme(value)}:...">', f"{_scheme(value)}: links may not be used")
            elif name in ("id", "class") and any(_RESERVED_NAME.match(token) for token in value.split()):
                self.add(f'<{tag} {name}="{value.strip()}">', "the player's own names may not be used")
            elif name == "style":
                for prop in _style_properties(value):
                    if prop not in policy.style_properties:
                        self.add(f'<{tag} style="{prop}: ...">', "only layout and colour properties may be styled")

    def url_allowed(self, value: str) -> bool:
        scheme = _scheme(value)
        return not scheme or scheme in self.policy.url_schemes

    def handle_endtag(self, tag: str) -> None:
        if self.dropping and tag == self.dropping[-1]:
            self.dropping.pop()


def _scheme(url: str) -> str:
    match = _SCHEME.match(_URL_IGNORED.sub("", url).strip(_C0_AND_SPACE))
    return match.group(1).lower() if match else ""


def _style_properties(style: str) -> list[str]:
    return [part.split(":", 1)[0].strip().lower() for part in style.split(";") if ":" in part]
