"""Dead letters: every document that fails a stage leaves the main path as one record
saying where it came from, which stage rejected it and why. Nothing is dropped."""
from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.files.formats import preview as make_preview

# A stage's DoFn emits (PASSED, document) or (DEAD, dead letter); SplitOutcomes splits them.
DEAD = "dead"
PASSED = "passed"


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
    Outputs are (PASSED | DEAD, value) pairs for ``SplitOutcomes``.

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
        yield passed(out)

    def _dead(self, doc, reason, error):
        Metrics.counter("wirebeam", f"{self.stage}.dead.{reason}").inc()
        return rejected(dead_letter(
            doc.get("source_uri", ""), doc.get("source_record", 0), self.stage, reason, error,
            doc.get("body") or doc.get("content") or ""))


def passed(doc: dict) -> tuple[str, dict]:
    return PASSED, doc


def rejected(letter: dict) -> tuple[str, dict]:
    return DEAD, letter


def _select(outcome: tuple[str, dict], wanted: str):
    if outcome[0] == wanted:
        yield outcome[1]


class SplitOutcomes(beam.PTransform):
    """(PASSED | DEAD, value) pairs -> {"articles", "dead"}.

    Stages emit one PCollection of tagged pairs and split it with two plain filters
    instead of a multi-output ParDo: the DaskRunner merges all outputs of a ParDo into
    one bag (tagged outputs lose their tags), so tagged outputs would mix dead letters
    into the articles there. Filters behave the same on every runner."""

    def __init__(self, passed_name: str = "articles"):
        super().__init__()
        self._passed_name = passed_name

    def expand(self, outcomes):
        return {
            self._passed_name: outcomes | "Passed" >> beam.FlatMap(_select, PASSED),
            "dead": outcomes | "DeadLetters" >> beam.FlatMap(_select, DEAD),
        }
