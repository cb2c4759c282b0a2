"""The end of a run: Beam metrics into the manifest, and the summary table printed."""
from __future__ import annotations

import json
import time

from transforms.files import commit as committer


def metric_counters(result) -> dict:
    """{counter name: value} from a finished PipelineResult; empty when the runner
    does not report metrics (then the manifest's counts, taken from the data, stand alone)."""
    try:
        counters = result.metrics().query()["counters"]
    except Exception:  # noqa: BLE001 - some runners do not implement metrics at all
        return {}
    values = {}
    for counter in counters:
        value = counter.committed if counter.committed is not None else counter.attempted
        values[counter.key.metric.name] = values.get(counter.key.metric.name, 0) + (value or 0)
    return values


def add_metrics_to_manifest(output: str, result) -> dict:
    """Adds the runner's counters to the committed manifest, with a check that they agree
    with the counts taken from the data."""
    path = committer.join(output, committer.MANIFEST)
    manifest = committer.read_json(path)
    counters = metric_counters(result)
    if counters:
        stages = manifest["counts"]["stages"]
        checks = {f"{s['stage']}.out": s["out"] for s in stages}
        checks["write.rows"] = manifest["counts"]["rows_written"]
        manifest["metrics"] = {
            "counters": dict(sorted(counters.items())),
            "agree_with_data": all(counters.get(name, 0) == n for name, n in checks.items()),
        }
    else:
        manifest["metrics"] = {"counters": {}, "agree_with_data": None,
                               "note": "the runner reported no metrics; counts come from the written data"}
    committer.write_bytes_atomic(path, json.dumps(manifest, indent=2, sort_keys=True, default=str).encode())
    return manifest


def noop_summary(info: dict, files_matched: int) -> dict:
    """What an incremental run that found nothing new reports. Nothing was written."""
    return {"noop": True, "run_id": info["run_id"], "wirebeam_version": info["pipeline_version"],
            "output": info["output"], "elapsed_seconds": round(time.time() - info["started_ts"], 3),
            "counts": {"files_matched": files_matched, "records_read": 0, "rows_written": 0, "dead_letters": 0,
                       "invariant_holds": True}}


def format_summary(manifest: dict) -> str:
    counts = manifest["counts"]
    if manifest.get("noop"):
        return (f"wirebeam {manifest['wirebeam_version']}  run {manifest['run_id']}  ->  {manifest['output']}\n"
                f"  no-op: {counts['files_matched']} files matched, none new or changed since the last run; "
                f"nothing written ({manifest['elapsed_seconds']:.1f} s)")
    lines = [
        f"wirebeam {manifest['wirebeam_version']}  run {manifest['run_id']}  ->  {manifest['output']}",
        f"  files matched      {counts['files_matched']:>8}   "
        + "  ".join(f"{k} {v}" for k, v in counts.get("files_by_decision", {}).items()),
        f"  records read       {counts['records_read']:>8}",
        f"  rows written       {counts['rows_written']:>8}",
        f"  dead letters       {counts['dead_letters']:>8}",
        f"  invariant          {'ok' if counts['invariant_holds'] else 'BROKEN'} "
        f"(records read = rows + dead letters)",
        f"  elapsed            {manifest['elapsed_seconds']:>8.1f} s",
        "  stage      out   dead",
    ]
    for c in counts["stages"]:
        lines.append(f"  {c['stage']:<8} {c['out']:>5} {c['dead']:>6}")
    if manifest["dead_letters_by_reason"]:
        lines.append("  dead letters by stage/reason:")
        lines.extend(f"    {reason:<32} {n:>5}" for reason, n in manifest["dead_letters_by_reason"].items())
    lines.append("  rows per partition:")
    lines.extend(f"    {part:<40} {n:>5}" for part, n in manifest["rows_per_partition"].items())
    return "\n".join(lines)
