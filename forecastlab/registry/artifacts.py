"""Artifact integrity (a SHA-256 over a sorted file manifest) and loading models by URI."""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mlflow.artifacts
import mlflow.pyfunc
from mlflow.exceptions import MlflowException

from forecastlab.registry.aliases import get_alias
from forecastlab.registry.client import REGISTERED_MODEL, connect
from forecastlab.registry.errors import ArtifactNotFoundError, RegistryError, RunNotFoundError
from forecastlab.registry.runs import MODEL_ARTIFACT_PATH, get_run
from forecastlab.registry.uris import RunArtifact, run_artifact

_CHUNK = 8192
_RUNS_URI = re.compile(r"^runs:/(?P<run_id>[0-9a-f]{32})/" + MODEL_ARTIFACT_PATH + "$")
_ALIAS_URI = re.compile(r"^models:/" + re.escape(REGISTERED_MODEL) + r"@(?P<alias>[^/]+)$")


@dataclass(frozen=True)
class ArtifactDigest:
    """The manifest hash of a model directory and its total size."""

    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of re-hashing a run's model artifact against the hash recorded at log time."""

    run_id: str
    artifact_uri: str | None
    verified: bool
    stored_hash: str
    computed_hash: str
    error: str | None = None


def digest_directory(root: Path) -> ArtifactDigest:
    """SHA-256 of the sorted `relative/path<TAB>sha256` lines of every file under `root`.

    Hashing a manifest instead of concatenated bytes also catches renamed or moved files.
    """
    lines = []
    size = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        size += path.stat().st_size
        lines.append(f"{path.relative_to(root).as_posix()}\t{_file_sha256(path)}\n")
    return ArtifactDigest(hashlib.sha256("".join(lines).encode()).hexdigest(), size)


def digest_path(path: Path) -> ArtifactDigest:
    """A directory's manifest digest, or a single file's own SHA-256 (spec §8.7)."""
    if path.is_dir():
        return digest_directory(path)
    return ArtifactDigest(_file_sha256(path), path.stat().st_size)


def verify(run_id: str) -> VerifyResult:
    """Download the run's artifact and compare its SHA-256 (manifest) with the stored one.

    RunNotFoundError for an unknown run, RegistryError when nothing is recorded to verify,
    UnsafeArtifactUriError for a URI that escapes the store, ArtifactNotFoundError when the
    store no longer has the artifact.
    """
    record = get_run(run_id)
    if not record.artifact_hash or not record.artifact_uri:
        raise RegistryError(f"run {run_id} has no model artifact with a recorded hash to verify")
    computed = _stored_digest(run_artifact(record.artifact_uri, run_id), run_id).sha256
    verified = computed == record.artifact_hash
    return VerifyResult(
        run_id=run_id,
        artifact_uri=record.artifact_uri,
        verified=verified,
        stored_hash=record.artifact_hash,
        computed_hash=computed,
        error=None
        if verified
        else f"artifact hash mismatch: expected {record.artifact_hash}, got {computed}",
    )


def is_model_uri(uri: str) -> bool:
    """Whether `uri` is a logged model's `runs:/<run_id>/model`."""
    return _RUNS_URI.match(uri) is not None


def run_id_of_model_uri(uri: str) -> str:
    """The run a model URI names: `runs:/<run_id>/model`, or the run the alias of
    `models:/forecastlab-demand@<alias>` points at now (AliasNotFoundError when unknown)."""
    if match := _RUNS_URI.match(uri):
        return match["run_id"]
    if match := _ALIAS_URI.match(uri):
        return get_alias(match["alias"]).run_id
    raise RegistryError(
        f"unsupported model URI {uri!r}: use runs:/<run_id>/{MODEL_ARTIFACT_PATH} "
        f"or models:/{REGISTERED_MODEL}@<alias>"
    )


def load_model(uri: str) -> mlflow.pyfunc.PyFuncModel:
    """Load `runs:/<run_id>/model` or `models:/forecastlab-demand@<alias>` as a pyfunc model."""
    run_id = run_id_of_model_uri(uri)
    if get_run(run_id).artifact_uri is None:
        raise RegistryError(f"run {run_id} has no logged model")
    connect()
    return mlflow.pyfunc.load_model(uri)


def _stored_digest(artifact: RunArtifact, run_id: str) -> ArtifactDigest:
    """Digest of the artifact as the store has it, downloaded to a scratch directory."""
    missing = f"the artifact {artifact.uri} of run {run_id} is not in the artifact store"
    try:
        get_run(artifact.run_id)  # the owning run must be a registry run
    except RunNotFoundError as exc:
        raise ArtifactNotFoundError(missing) from exc
    with tempfile.TemporaryDirectory(prefix="forecastlab-verify-") as scratch:
        try:
            local = mlflow.artifacts.download_artifacts(
                artifact_uri=artifact.uri, dst_path=scratch, tracking_uri=connect().uri
            )
        except (MlflowException, OSError) as exc:
            raise ArtifactNotFoundError(missing) from exc
        return digest_path(Path(local))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
