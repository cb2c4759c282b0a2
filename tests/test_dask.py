"""Scale-out: the whole pipeline on Beam's DaskRunner against a real dask.distributed
cluster (a scheduler and two worker processes on loopback), compared with the
DirectRunner row for row."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, pipeline_argv, read_dead_letters, read_rows, stable

pytestmark = pytest.mark.slow
DASK_RUNNER = "apache_beam.runners.dask.dask_runner.DaskRunner"
START_SECONDS = 60
RUN_SECONDS = 600


def dask_cli(*args) -> list[str]:
    # The `dask` console script of this interpreter's environment.
    return [sys.executable, "-c", "import sys; from dask.__main__ import main; sys.argv[0] = 'dask'; main()", *args]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` + two `dask worker` processes on 127.0.0.1; torn down afterwards."""
    work = tmp_path_factory.mktemp("dask")
    scheduler_file = work / "scheduler.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    procs = [subprocess.Popen(dask_cli("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                       "--scheduler-file", str(scheduler_file)),
                              cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen(
                dask_cli("worker", "--scheduler-file", str(scheduler_file), "--nworkers", "1", "--nthreads", "1",
                         "--no-dashboard", "--local-directory", str(work)),
                cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client
        with Client(scheduler_file=str(scheduler_file), timeout=START_SECONDS) as client:
            client.wait_for_workers(2, timeout=START_SECONDS)
            address = client.scheduler.address
        yield {"address": address, "env": env}
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_whole_pipeline_on_a_dask_cluster_matches_the_direct_runner(dask_cluster, dev_run, dev_corpus, tmp_path):
    output = tmp_path / "out"
    argv = pipeline_argv([dev_corpus / "*"], output, "--runner", DASK_RUNNER,
                         "--dask_client_address", dask_cluster["address"])
    proc = subprocess.run([sys.executable, "-m", "pipelines.ingest", *argv], cwd=ROOT, env=dask_cluster["env"],
                          capture_output=True, text=True, timeout=RUN_SECONDS)
    assert proc.returncode == 0, proc.stderr[-4000:]
    manifest = json.loads((output / "_manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["invariant_holds"] and counts["records_read"] == 15
    assert counts["rows_written"] == len(read_rows(output))
    assert counts["dead_letters"] == len(read_dead_letters(output))
    # The DaskRunner returns no Beam metrics: the manifest says so, its counts come from the data.
    assert manifest["metrics"]["counters"] == {} and manifest["metrics"]["agree_with_data"] is None
    assert stable(read_rows(output)) == stable(dev_run["rows"])
    assert sorted(read_dead_letters(output), key=json.dumps) == sorted(dev_run["dead"], key=json.dumps)
    assert (output / "_SUCCESS").exists() and not (output / "_staging").exists()
