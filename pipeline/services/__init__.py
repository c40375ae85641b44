"""Writes of the pipeline, one module per concern.

- `runs`: a source run end to end (fetch or read, normalise, write evidence and staged records);
- `uploads`: curated list uploads (preview, commit, undo) and the evidence rebuilt from them;
- `staging`: curator review of staged records (map to a gene, reject);
- `evidence`: the set-based steps runs and uploads share (group, summarise, stage, rescore).

Evidence rows and symbol mappings themselves are written by `genes.services`. The names below
are the package's entry points (`PIPELINE_RUN_EXECUTOR` names `source_run_execute` here).
"""

from pipeline.services.runs import (
    RunCancelledError,
    RunFailedError,
    file_sha256,
    held_records_apply,
    source_run_execute,
)
from pipeline.services.staging import staged_record_map, staged_record_reject

__all__ = [
    "RunCancelledError",
    "RunFailedError",
    "file_sha256",
    "held_records_apply",
    "source_run_execute",
    "staged_record_map",
    "staged_record_reject",
]
