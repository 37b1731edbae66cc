"""One run artifact's bytes (an image for the document), read from a local folder when the
store is a local sqlite file, else through MLflow's client."""

from __future__ import annotations

import tempfile
from pathlib import Path

from autodoc.scan.mlflow.client import CountingClient
from autodoc.scan.mlflow.sqlite_store import Unsupported, open_store


def fetch_artifact(tracking_uri: str, run_id: str, path: str, max_bytes: int = 5_000_000) -> bytes | None:
    """Bytes of one run artifact, or None if it is missing, a directory or larger than `max_bytes`."""
    try:
        store = open_store(tracking_uri)
    except Unsupported:
        store = None
    if store is not None:
        try:
            return _fetch(CountingClient(tracking_uri, direct=store), run_id, path, max_bytes)
        except Unsupported:
            pass  # not a local folder: MLflow's client fetches it
        finally:
            store.close()
    return _fetch(CountingClient(tracking_uri), run_id, path, max_bytes)


def _fetch(client: CountingClient, run_id: str, path: str, max_bytes: int) -> bytes | None:
    parent = path.rsplit("/", 1)[0] if "/" in path else None
    try:
        listing = {f.path: f for f in client.list_artifacts(run_id, parent)}
        info = listing.get(path)
        if info is None or info.is_dir or (info.file_size or 0) > max_bytes:
            return None
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(client.download_artifacts(run_id, path, tmp))
            data = local.read_bytes()
    except Unsupported:
        raise
    except Exception:  # a missing artifact store or file is "no image", not a crash
        return None
    return data if len(data) <= max_bytes else None
