"""The notebooks run top to bottom on a fresh kernel, and are kept in git without outputs."""

import json
import time
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_five_notebooks():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def run_notebook(nb, folder: Path, name: str) -> float:
    """Run a notebook's code cells in order on a fresh kernel; return the seconds taken.

    A failing cell fails the test with the notebook, the cell's number among the
    code cells, its first line and the error, instead of a kernel traceback.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    start = time.perf_counter()
    with client.setup_kernel():
        for number, (index, cell) in enumerate(code, start=1):
            lines = [x for x in cell.source.splitlines() if x.strip()]
            where = f"{name}: cell {number} of {len(code)} ({lines[0] if lines else 'empty'!r})"
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as exc:
                pytest.fail(f"{where} raised {exc.ename}: {exc.evalue}", pytrace=False)
            except (CellTimeoutError, DeadKernelError) as exc:
                pytest.fail(f"{where} did not finish: {type(exc).__name__}: {exc}", pytrace=False)
    return time.perf_counter() - start


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    seconds = run_notebook(nb, path.parent, path.name)
    # Every code cell ran, in order, on this kernel.
    counts = [c["execution_count"] for c in nb.cells if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))
    print(f"{path.name}: {seconds:.1f} s")


@pytest.mark.notebook
def test_a_failing_cell_is_reported_by_number(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("# look up\nraise KeyError(f'no station {x}')"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    with pytest.raises(pytest.fail.Exception) as failed:
        run_notebook(nb, tmp_path, "broken.ipynb")
    assert str(failed.value) == (
        "broken.ipynb: cell 2 of 3 ('# look up') raised KeyError: 'no station 1'"
    )
    # The cells after the failing one did not run.
    assert [c.get("execution_count") for c in nb.cells[1:]] == [1, 2, None]
