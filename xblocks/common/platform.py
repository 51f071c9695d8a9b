"""The one place that knows about the hosting runtime (Open edX, or the xblock-sdk workbench).

Blocks ask these questions here so that `block.py` files never reach into platform internals.
"""

from __future__ import annotations

import copy
import json

from .i18n import normalize_language


def current_language() -> str:
    """The learner's interface language as Django knows it (Open edX sets it per user)."""
    try:
        from django.utils import translation
    except ImportError:  # a runtime without Django
        return "en"
    try:
        return normalize_language(translation.get_language())
    except Exception:  # Django installed but not configured
        return "en"


def _user(block):
    """The current user, asked of the user service once per bound block (a block is bound for one
    request in the LMS): the LMS builds a new XBlockUser, with database look-ups, on each call."""
    if "_p2p_current_user" not in block.__dict__:
        service = block.runtime.service(block, "user") if has_service(block, "user") else None
        block.__dict__["_p2p_current_user"] = service.get_current_user() if service else None
    return block.__dict__["_p2p_current_user"]


def has_service(block, name: str) -> bool:
    try:
        return block.runtime.service(block, name) is not None
    except Exception:
        return False


def username(block) -> str:
    """The current user's username (in the workbench, the ?student= id)."""
    user = _user(block)
    if user is not None:
        name = user.opt_attrs.get("edx-platform.username") or user.opt_attrs.get("xblock-workbench.user_id")
        if name:
            return str(name)
    return str(getattr(block.runtime, "user_id", None) or getattr(block.scope_ids, "user_id", "") or "")


def user_is_staff(block) -> bool:
    """Course staff or instructor. Open edX answers through the user service. Only the xblock-sdk
    workbench, which has no roles, gets a convention instead: a student id starting with 'staff' is
    staff (tests and demos). Anywhere else, an unanswered question means not staff."""
    user = _user(block)
    if user is not None and "edx-platform.user_is_staff" in user.opt_attrs:
        return bool(user.opt_attrs.get("edx-platform.user_is_staff"))
    legacy = getattr(block.runtime, "user_is_staff", None)
    if isinstance(legacy, bool) and legacy:
        return True
    workbench_id = user.opt_attrs.get("xblock-workbench.user_id") if user is not None else None
    return str(workbench_id or "").startswith("staff")


def in_studio_preview(block) -> bool:
    """Studio's preview of a unit: its runtime sets is_author_mode, and its user is the author with the
    anonymous id "student" (cms/djangoapps/contentstore/views/preview.py, _prepare_runtime_for_preview).
    Nothing done there is a learner's work: no submission, grade or completion may come of it."""
    return bool(getattr(block.runtime, "is_author_mode", False))


def can_edit_content(block) -> bool:
    """May the current user change this block's content (Studio's editor)? Studio's own handler view
    gives the block a `studio_user_permissions` service (cms/djangoapps/contentstore/utils.py,
    load_services_for_studio) whose can_write is the course author check, while its user service
    there does not say staff; elsewhere (the LMS, the workbench) course staff may."""
    permissions = (
        block.runtime.service(block, "studio_user_permissions")
        if has_service(block, "studio_user_permissions")
        else None
    )
    if permissions is not None:
        return bool(permissions.can_write(block.scope_ids.usage_id.course_key))
    return user_is_staff(block)


def csrf_cookie_name() -> str:
    """The cookie Django keeps the CSRF token in (operators can rename it: CSRF_COOKIE_NAME)."""
    try:
        from django.conf import settings

        return str(getattr(settings, "CSRF_COOKIE_NAME", "csrftoken") or "csrftoken")
    except Exception:  # no Django, or Django not configured
        return "csrftoken"


def course_key(block) -> str:
    """The block's course id as text (Open edX usage keys carry it; the workbench has one: 'workbench')."""
    course = getattr(block.scope_ids.usage_id, "course_key", None) or getattr(block.runtime, "course_id", None)
    return str(course) if course else "workbench"


def course_user_states(block, field: str) -> dict:
    """This learner's `field` (a Scope.user_state field) in every block of this block's type in its
    course, by usage id: the course-wide view a block builds from per-block state (the journal).

    Open edX (the LMS): one query of the learner's StudentModule rows of this block type in this course,
    the rows the platform keeps Scope.user_state in (lms/djangoapps/courseware/models.py,
    user_state_client.py). Studio's preview keeps state in the author's session, not there: only this
    block. Other runtimes (the workbench): the blocks of the tree this block is in, bound for this user.
    """
    if in_studio_preview(block):
        return {}
    rows = _student_module_states(block, field)
    return rows if rows is not None else _tree_states(block, field)


def _student_module_states(block, field: str) -> dict | None:
    try:
        from lms.djangoapps.courseware.models import StudentModule  # type: ignore[import-not-found]
    except ImportError:  # not the LMS
        return None
    user = _user(block)
    user_id = user.opt_attrs.get("edx-platform.user_id") if user is not None else None
    course = getattr(block.scope_ids.usage_id, "course_key", None)
    if user_id is None or course is None:
        return {}
    rows = StudentModule.objects.filter(
        student_id=user_id, course_id=course, module_type=block.scope_ids.block_type
    ).values_list("module_state_key", "state")
    found = {}
    for key, state in rows:
        try:
            value = json.loads(state or "{}").get(field)
        except (ValueError, AttributeError):  # a row another tool wrote
            continue
        if value:  # keys as the platform's user_state_client gives them: mapped into the course run
            found[str(key.map_into_course(course) if hasattr(key, "map_into_course") else key)] = value
    return found


def _tree_states(block, field: str) -> dict:
    root = block
    while getattr(root, "parent", None) is not None:
        root = block.runtime.get_block(root.parent)
    found, stack = {}, [root]
    while stack:
        node = stack.pop()
        if node.scope_ids.block_type == block.scope_ids.block_type:
            value = getattr(block if node.scope_ids.usage_id == block.scope_ids.usage_id else node, field, None)
            if value:
                found[str(node.scope_ids.usage_id)] = value
        stack.extend(block.runtime.get_block(child) for child in reversed(getattr(node, "children", None) or []))
    return found


def student_item(block, student_id: str, item_type: str) -> dict:
    """What edx-submissions files a learner's submission to this block under."""
    return {
        "student_id": student_id,
        "course_id": course_key(block),
        "item_id": str(block.scope_ids.usage_id),
        "item_type": item_type,
    }


def user_by_anonymous_id(block, anonymous_id: str):
    """The platform's user (with .id) behind an anonymous id (DjangoXBlockUserService,
    get_user_by_anonymous_id), or None where the runtime cannot say (the workbench)."""
    service = block.runtime.service(block, "user") if has_service(block, "user") else None
    find = getattr(service, "get_user_by_anonymous_id", None)
    return find(anonymous_id) if find else None


def anonymous_user_id(block) -> str:
    """The id Open edX uses for a learner in course data (edx-submissions); the username elsewhere."""
    user = _user(block)
    anonymous = user.opt_attrs.get("edx-platform.anonymous_user_id") if user is not None else None
    return str(anonymous or username(block))


# -- OLX attributes the platform writes on any block -------------------------------------------


def _platform_fields(block) -> dict:
    """Fields the hosting runtime mixes into every block (Open edX: visible_to_staff_only,
    group_access, ...): content or settings fields that the block's own class does not declare."""
    from xblock.fields import Scope

    own = getattr(type(block), "unmixed_class", type(block)).fields
    return {
        name: field
        for name, field in block.fields.items()
        if name not in own and field.scope in (Scope.content, Scope.settings)
    }


def take_platform_attributes(block, node, model_attributes):
    """A copy of `node` for the block's model, without the attributes that set platform fields (those
    set the fields, as XBlock's own parse_xml would). The model's own attributes win a clash of names
    (the role-play's `start` scene is not Open edX's `start` date); any other attribute stays for the
    model to judge."""
    own = copy.deepcopy(node)
    fields = _platform_fields(block)
    for name, value in node.items():
        if name in fields and name not in model_attributes:
            setattr(block, name, fields[name].from_string(value))
            del own.attrib[name]
    own.attrib.pop("xblock-family", None)
    return own


def add_platform_attributes(block, node, model_attributes) -> None:
    """Write the platform fields set on this block back as attributes, so an export keeps them."""
    for name, field in _platform_fields(block).items():
        if field.is_set_on(block) and name not in model_attributes:
            node.set(name, field.to_string(field.read_from(block)))
