"""Output formats: target name -> build function. One module per format.

Every build function has this signature:

    build(course: Course, workdir: Path, options: BuildOptions) -> list[Artifact]

- `course` is a loaded, validated `builder.course.Course` (no problems left).
- Write only inside `workdir` (an empty folder created for this course and target); return the
  files to publish as `Artifact.of(path, units)`. The CLI moves them into `--out` with an atomic
  rename once every course and every target succeeded; anything else in `workdir` is discarded.
- Name artifacts `<course.name>-<target>.<ext>` (or `<course.name>-<level>-<target>.<ext>`): all
  artifacts of one build land in the same folder and must not collide.
- Use `builder.archive` (`write_tar_gz`, `write_zip`) so archives are byte-identical across builds,
  with `options.mtime` as the entries' time.
- Problems seen only while building: `raise BuildError([Problem(...), ...])`; nothing is published.

To add a target, import its module here and add its entry to TARGETS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from builder.build import Artifact, BuildError, BuildOptions
from builder.course import Course
from builder.targets import olx, scorm

BuildFunction = Callable[[Course, Path, BuildOptions], list[Artifact]]

TARGETS: dict[str, BuildFunction] = {
    "olx": olx.build,
    "scorm12": scorm.build_scorm12,
    "scorm2004": scorm.build_scorm2004,
}

__all__ = ["TARGETS", "Artifact", "BuildError", "BuildFunction", "BuildOptions"]
