"""Open edX problems (capa), the subset both runtimes play. Open edX renders <problem> itself, so this
kind has no XBlock: its descriptor serves the builder and the offline player (docs/decisions/0003)."""

from pathlib import Path

from xblocks.common.kind import BlockKind
from xblocks.problem import model

block_kind = BlockKind(
    tag=model.TAG,
    model=model,
    folder=Path(__file__).resolve().parent,
    name="problem",
    global_name="P2PProblem",
    scorm_refusal=model.scorm_refusal,
    rendered_by_platform=True,
)
