"""Dead letters: every document that fails a stage leaves the main path as one record
saying where it came from, which stage rejected it and why. Nothing is dropped."""
from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.files.formats import preview as make_preview

DEAD = "dead"   # the tagged output every stage uses for its dead letters


class Rejected(Exception):
    """A document that a stage refuses on purpose (not an article, no body...)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def dead_letter(source_uri: str, source_record: int, stage: str, reason: str, error: str,
                preview: str = "") -> dict:
    return {"source_uri": source_uri, "source_record": int(source_record), "stage": stage,
            "reason": reason, "error": error, "preview": make_preview(preview)}


class StageFn(beam.DoFn):
    """A per-document stage: ``transform(doc)`` returns the document to pass on; a
    ``Rejected`` or any exception becomes a dead letter instead of failing the run.

    Subclasses set ``stage`` and implement ``transform``."""
    stage = "stage"

    def __init__(self):
        self._passed = Metrics.counter("wirebeam", f"{self.stage}.out")

    def transform(self, doc: dict) -> dict:
        raise NotImplementedError

    def process(self, doc):
        try:
            out = self.transform(doc)
        except Rejected as e:
            yield self._dead(doc, e.reason, str(e))
            return
        except Exception as e:  # noqa: BLE001 - any parser bug must cost one document, not the run
            yield self._dead(doc, "exception", f"{type(e).__name__}: {e}")
            return
        self._passed.inc()
        yield out

    def _dead(self, doc, reason, error):
        Metrics.counter("wirebeam", f"{self.stage}.dead.{reason}").inc()
        return beam.pvalue.TaggedOutput(DEAD, dead_letter(
            doc.get("source_uri", ""), doc.get("source_record", 0), self.stage, reason, error,
            doc.get("body") or doc.get("content") or ""))
