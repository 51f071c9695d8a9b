"""Open edX's course import and export, reduced to the calls the platform makes on an XBlock.

Checked against openedx-platform:
- xmodule/x_module.py, ``XMLParsingSystem.xblock_from_node``: for an inline definition in an
  imported OLX file the runtime drops ``xblock-family``, builds the usage key from the element's
  ``url_name``, and calls ``block_class.parse_xml(node, runtime, keys)`` with
  ``ScopeIds(None, block_type, def_id, usage_id)``; the block class is mixed with the platform's
  mixins *after* the block's own class (``runtime.mixologist.mix``), so a block's own attribute
  shadows a mixin's.
- xmodule/x_module.py, ``ModuleStoreRuntime.add_block_as_child_node`` (course export): a child
  element named after the block type, ``url_name`` set from ``block.url_name``, then
  ``block.add_xml_to_node(child)``.
- ``XModuleMixin.url_name`` (xmodule/x_module.py, via xmodule/block_metadata_utils.py): the usage
  key's ``block_id``.
- cms/djangoapps/contentstore/views/preview.py, ``_prepare_runtime_for_preview``: Studio's preview sets
  ``runtime.is_author_mode = True`` and a user service (common/djangoapps/xblock_django/user_service.py,
  ``DjangoXBlockUserService``) whose anonymous user id is ``"student"`` and which does not say staff.
- edx-completion's ``CompletionService.submit_group_completion(block_key, completion, users=None,
  user_ids=None)`` (completion/services.py): completion for other learners.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from workbench.runtime import WorkbenchRuntime
from xblock.core import XBlockMixin
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, KvsFieldData, Mixologist


@dataclass(frozen=True)
class CourseKey:
    org: str = "P2P"
    course: str = "TEST101"
    run: str = "2026"

    def __str__(self):
        return f"course-v1:{self.org}+{self.course}+{self.run}"

    def make_usage_key(self, block_type: str, block_id: str) -> UsageKey:
        return UsageKey(self, block_type, block_id)


@dataclass(frozen=True)
class UsageKey:
    """The parts of an Open edX ``BlockUsageLocator`` a block can see, and its string form."""

    course_key: CourseKey
    block_type: str
    block_id: str

    @property
    def context_key(self):
        return self.course_key

    def __str__(self):
        c = self.course_key
        return f"block-v1:{c.org}+{c.course}+{c.run}+type@{self.block_type}+block@{self.block_id}"


class PlatformBlockMixin(XBlockMixin):
    """What XModuleMixin gives every block that our blocks rely on (or must not hide)."""

    @property
    def url_name(self):
        return self.scope_ids.usage_id.block_id

    @property
    def category(self):
        return self.scope_ids.block_type

    @property
    def location(self):
        return self.scope_ids.usage_id


@dataclass
class PlatformUser:
    """A Django user as the platform's user service hands it out (only what blocks read)."""

    id: int
    username: str


class PlatformUserService(UserService):
    """The attributes DjangoXBlockUserService puts on the current user (edx-platform.* keys)."""

    def __init__(self, username: str, anonymous_id: str, is_staff: bool = False, user_id: int = 0, known=()):
        super().__init__()
        self.user = PlatformUser(user_id, username)
        self.anonymous_id, self.is_staff, self.lookups = anonymous_id, is_staff, 0
        self.known = {anonymous: PlatformUser(uid, name) for anonymous, uid, name in known}

    def get_current_user(self):
        self.lookups += 1
        user = XBlockUser(is_current_user=True, emails=[], full_name=self.user.username)
        user.opt_attrs.update(
            {
                "edx-platform.is_authenticated": True,
                "edx-platform.user_id": self.user.id,
                "edx-platform.username": self.user.username,
                "edx-platform.user_is_staff": self.is_staff,
                "edx-platform.user_role": "instructor" if self.is_staff else "student",
                "edx-platform.anonymous_user_id": self.anonymous_id,
            }
        )
        return user

    def get_user_by_anonymous_id(self, uid=None):
        return self.known.get(uid)


class CompletionService:
    """edx-completion's service interface; keeps what was submitted for whom."""

    def __init__(self):
        self.submitted = []

    def submit_group_completion(self, block_key, completion, users=None, user_ids=None):
        self.submitted.append((str(block_key), completion, tuple(user_ids or [u.id for u in users or []])))


class StudioRuntime(WorkbenchRuntime):
    """The workbench runtime (storage, services) with the platform's import and export calls.
    Runtimes made with the same ``kvs`` share storage, as requests of different users do."""

    def __init__(self, user_id="studio", course: CourseKey | None = None, kvs=None, user=None, completion=None):
        super().__init__(user_id)
        # The workbench's database wants its own id strings; Open edX keys live in memory here.
        self._services["field-data"] = KvsFieldData(kvs if kvs is not None else DictKeyValueStore())
        if user is not None:
            self._services["user"] = user
        if completion is not None:
            self._services["completion"] = completion
        self.mixologist = Mixologist([PlatformBlockMixin])
        self.course = course or CourseKey()
        self.events = []

    def publish(self, block, event_type, event_data):
        self.events.append((event_type, event_data))

    def block(self, block_type: str, block_id: str, user_id=None):
        """The block at this usage key, bound to a learner (as the LMS binds it per request)."""
        usage = self.course.make_usage_key(block_type, block_id)
        return self.construct_xblock(block_type, ScopeIds(user_id, block_type, usage, usage))

    def import_block(self, node):
        """``XMLParsingSystem.xblock_from_node`` for one inline definition."""
        node.attrib.pop("xblock-family", None)
        usage = self.course.make_usage_key(node.tag, node.get("url_name"))
        keys = ScopeIds(None, node.tag, usage, usage)
        block_class = self.mixologist.mix(self.load_block_type(node.tag))
        block = block_class.parse_xml(node, self, keys)
        block.save()
        return block

    def new_block(self, block_type: str, block_id: str):
        """A component added in Studio: a fresh usage key, every field at its default."""
        usage = self.course.make_usage_key(block_type, block_id)
        return self.construct_xblock(block_type, ScopeIds(None, block_type, usage, usage))

    def export_block(self, block):
        """``ModuleStoreRuntime.add_block_as_child_node`` under a vertical; returns the child."""
        parent = etree.Element("vertical")
        child = etree.SubElement(parent, block.category)
        child.set("url_name", block.url_name)
        block.add_xml_to_node(child)
        return child


def canonical(element) -> bytes:
    """An element as C14N with whitespace-only text dropped: equal when the XML means the same."""
    element = etree.fromstring(etree.tostring(element))
    for node in element.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(element, method="c14n")
