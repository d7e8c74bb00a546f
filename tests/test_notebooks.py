"""The notebooks of notebooks/ run top to bottom without an error (in a fresh kernel, from
their own folder), and print what they were saved printing, so that they never fall
behind the code they show. (To save them again: run each with nbclient and write it
back with nbformat.)"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_the_first_notebook_is_there():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_author_compile_sample.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    )
    saved = _printed(nbformat.read(path, as_version=4))
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on failure
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert _printed(notebook) == saved, "the saved outputs are not what the notebook prints"


def _printed(notebook) -> list[str]:
    """What the code cells print and show as text, temporary folders aside. A cell's
    printing is one text however the kernel cut it into stream outputs (it cuts where a
    flush happened to fall, which differs from run to run)."""
    texts = []
    for cell in notebook.cells:
        streamed = False
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.output_type == "stream" and streamed:
                texts[-1] += output.text
            elif output.output_type == "stream":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                texts.append(output.data.get("text/plain", ""))
            streamed = output.output_type == "stream"
    return [re.sub(r"/tmp/[\w.-]+/", "/tmp/.../", text) for text in texts]
