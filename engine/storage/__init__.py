"""Where model files are read from: a local path or a URI (file://, s3://, http(s)://), behind one opener.

- `open_tree(location, block_bytes=None) -> ModelTree`: the files of a model file or folder, each a `ModelFile` whose reads
  are ranged (`read_at`), counted (`bytes_read`) and, for URIs, made through fsspec (s3fs for S3). Every facts reader reads
  through it, so a header costs its own bytes whether the file is on this disk or in a bucket.
- `model_files(path)`: the regular files of a local model file or folder (FIFOs and devices refused or skipped, at most
  MAX_MODEL_FILES), the one listing open_tree, the server's path check and weight comparison walk.
- `check_uri(uri, prefixes)`: the one check of a URI a caller names (scheme, no credentials, no dot segments, under a prefix).
- `is_uri`, `as_location`, `unread_reason`: how a location is spelled, and whether this process reads it (MODELLAKE_ARTIFACT_URIS).
See docs/storage.md.
"""
from __future__ import annotations

from engine.storage.files import MAX_MODEL_FILES, ModelFile, ModelTree, StorageUnavailable, model_files, one_file, open_tree
from engine.storage.locations import (SCHEMES, Location, as_location, check_uri, is_uri, read_block_bytes, unread_reason,
                                      uri_prefixes)

__all__ = ["MAX_MODEL_FILES", "SCHEMES", "Location", "ModelFile", "ModelTree", "StorageUnavailable", "model_files", "one_file", "as_location", "check_uri", "is_uri", "open_tree", "read_block_bytes",
           "unread_reason", "uri_prefixes"]
