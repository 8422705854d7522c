"""Where a run's `artifact_uri` points inside MLflow's artifact store, guarded against escapes.

A registry artifact_uri is `runs:/<run_id>/<path>` (the default for logged models is
`runs:/<run_id>/model`) or a plain relative path, read as under the run's own artifacts.
Absolute paths, other schemes and `..` segments would leave the store and are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forecastlab.registry.errors import UnsafeArtifactUriError

_RUN_ARTIFACT = re.compile(r"^runs:/(?P<run_id>[0-9a-f]{32})/(?P<path>.*)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class RunArtifact:
    """An artifact of a run: the run that owns it and its path under that run's artifacts."""

    run_id: str
    path: str

    @property
    def uri(self) -> str:
        """The `runs:/` URI MLflow resolves."""
        return f"runs:/{self.run_id}/{self.path}"


def run_artifact(artifact_uri: str, run_id: str) -> RunArtifact:
    """The artifact that `artifact_uri` of run `run_id` names; UnsafeArtifactUriError if it
    escapes the artifact store."""
    if match := _RUN_ARTIFACT.match(artifact_uri):
        owner, path = match["run_id"], match["path"]
    elif _SCHEME.match(artifact_uri) or artifact_uri.startswith(("/", "\\")):
        raise UnsafeArtifactUriError(
            f"artifact_uri {artifact_uri!r} is outside the registry's artifact store: use "
            "runs:/<run_id>/<path> or a path relative to the run's artifacts"
        )
    else:
        owner, path = run_id, artifact_uri
    if any(part in ("", ".", "..") or "\\" in part for part in path.split("/")):
        raise UnsafeArtifactUriError(
            f"artifact_uri {artifact_uri!r} must name a path without empty, '.' or '..' segments"
        )
    return RunArtifact(owner, path)
