"""Parquet (the optional `parquet` extra, pyarrow): the grammar-fst record as typed
columns, written only.

Columns: `text`, `intent`, `annot_utt` (strings) and `slots`, a list of structs
`{slot, value, start, end, canonical}` (offsets int32, `canonical` null when the value
is the canonical one). One row group per block of sentences, so the same sentences give
the same file. pandas (`pd.read_parquet`) and Hugging Face datasets
(`load_dataset("parquet", data_files=...)`) read it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...errors import UsageError
from ...output import atomic_file, is_folder, shard_paths
from ..records import Utterance
from .massive import annotation

MISSING = "--format parquet needs pyarrow: pip install 'grammar-fst[parquet]'"


def pyarrow():
    """The pyarrow module, or a UsageError saying how to install it."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401  (the writer, used as pyarrow.parquet)
    except ImportError:
        raise UsageError(MISSING) from None
    return pyarrow


def schema():
    pa = pyarrow()
    slot = pa.struct(
        [
            ("slot", pa.string()),
            ("value", pa.string()),
            ("start", pa.int32()),
            ("end", pa.int32()),
            ("canonical", pa.string()),
        ]
    )
    return pa.schema(
        [
            ("text", pa.string()),
            ("intent", pa.string()),
            ("slots", pa.list_(slot)),
            ("annot_utt", pa.string()),
        ]
    )


def table(utterances: list[Utterance]):
    """The utterances as a pyarrow Table, built column by column."""
    pa = pyarrow()
    slots = [s for u in utterances for s in u.slots]
    offsets = [0]
    for u in utterances:
        offsets.append(offsets[-1] + len(u.slots))
    fields = schema().field("slots").type.value_type
    values = pa.StructArray.from_arrays(
        [pa.array(column, type=fields[i].type) for i, column in enumerate(_columns(slots, 5))],
        fields=list(fields),
    )
    columns = [
        pa.array([u.text for u in utterances], pa.string()),
        pa.array([u.intent for u in utterances], pa.string()),
        pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values),
        pa.array([annotation(u) for u in utterances], pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=schema())


def _columns(rows: list[tuple], width: int) -> list[list]:
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]


def write_output(blocks: Iterable[list[Utterance]], output: str | None) -> int:
    """Write blocks of utterances to the Parquet file `output`, or one file per block to
    the folder `output` names when it ends with / (`part-00000.parquet`, ...); the number
    of rows written. A missing pyarrow is said before anything is written."""
    pyarrow()
    if output is None or not is_folder(output):
        return write(blocks, output)
    paths = shard_paths(output, ".parquet")
    return sum(write([block], path) for block, path in zip(blocks, paths))


def write(blocks: Iterable[list[Utterance]], path: str | Path | None) -> int:
    """Write blocks of utterances to the Parquet file `path` (atomically), one row group
    per non-empty block; the number of rows written."""
    pa = pyarrow()
    if path is None or str(path) == "-":
        raise UsageError("Parquet is a binary file: name it with -o FILE.parquet")
    rows = 0
    with atomic_file(path, "wb") as out, pa.parquet.ParquetWriter(out, schema()) as writer:
        for block in blocks:
            if block:
                writer.write_table(table(block))
                rows += len(block)
    return rows
