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
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from workbench.runtime import WorkbenchRuntime
from xblock.core import XBlockMixin
from xblock.fields import ScopeIds
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


class StudioRuntime(WorkbenchRuntime):
    """The workbench runtime (storage, services) with the platform's import and export calls."""

    def __init__(self, user_id="studio", course: CourseKey | None = None):
        super().__init__(user_id)
        # The workbench's database wants its own id strings; Open edX keys live in memory here.
        self._services["field-data"] = KvsFieldData(DictKeyValueStore())
        self.mixologist = Mixologist([PlatformBlockMixin])
        self.course = course or CourseKey()

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
