"""Stage 4, NLP: named entities and quotes with spaCy, batched through ``nlp.pipe``.

Models come from config ({language: spaCy package}). Each worker loads a model once
and shares it between the DoFn instances of its threads (``apache_beam.utils.shared``);
the default language's model is loaded in ``setup()``, the others on the first
document that needs them, so a run without French copy never pays for the French
model. A document in a language without a model still becomes a row, with no
entities, and a counter says so.
"""
from __future__ import annotations

import logging

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.utils.shared import Shared

from transforms.dead_letters import DEAD, dead_letter
from transforms.text.entities import annotate_entities

# Components the stage does not use: dropping them is most of the speed.
DISABLED_COMPONENTS = ("tagger", "parser", "attribute_ruler", "lemmatizer", "morphologizer")

log = logging.getLogger(__name__)


class _Models(dict):
    """A weak-referenceable holder for ``Shared``."""


def load_model(package: str):
    import spacy  # noqa: PLC0415 - heavy import, only on workers that run this stage
    nlp = spacy.load(package, exclude=[c for c in DISABLED_COMPONENTS])
    return nlp


class AnnotateBatchFn(beam.DoFn):
    def __init__(self, models: dict, default_language: str, shared: Shared, max_chars: int):
        self._packages = dict(models)
        self._default = default_language
        self._shared = shared
        self._max_chars = max_chars
        self._no_model = Metrics.counter("wirebeam", "nlp.no_model")
        self._truncated = Metrics.counter("wirebeam", "nlp.truncated")
        self._annotated = Metrics.counter("wirebeam", "nlp.out")

    def setup(self):
        self._models = self._shared.acquire(_Models)
        self._model(self._default)

    def _model(self, language):
        package = self._packages.get(language)
        if package is None:
            return None
        if language not in self._models:
            self._models[language] = load_model(package)
        return self._models[language]

    def process(self, batch):
        by_language: dict = {}
        for article in batch:
            by_language.setdefault(article.get("language"), []).append(article)
        for language, articles in by_language.items():
            nlp = self._model(language)
            if nlp is None:
                self._no_model.inc(len(articles))
                for article in articles:
                    self._annotated.inc()
                    yield article
                continue
            texts = []
            for article in articles:
                body = article["body"] or ""
                if len(body) > self._max_chars:
                    self._truncated.inc()
                texts.append(body[: self._max_chars])
            for article, doc in zip(articles, nlp.pipe(texts)):
                try:
                    annotate_entities(article, doc)
                except Exception as e:  # noqa: BLE001 - one bad document must not cost the batch
                    Metrics.counter("wirebeam", "nlp.dead.exception").inc()
                    yield beam.pvalue.TaggedOutput(DEAD, dead_letter(
                        article["source_uri"], article["source_record"], "nlp", "exception",
                        f"{type(e).__name__}: {e}", article["body"]))
                    continue
                self._annotated.inc()
                yield article


class AnnotateArticles(beam.PTransform):
    """articles -> {"articles", "dead"} with entities, mentions and quotes filled."""

    def __init__(self, models: dict, default_language: str = "en", batch_size: int = 64,
                 max_chars: int = 200_000):
        super().__init__()
        self._models, self._default = models, default_language
        self._batch_size, self._max_chars = batch_size, max_chars

    def expand(self, articles):
        out = (
            articles
            | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=self._batch_size)
            | "Annotate" >> beam.ParDo(AnnotateBatchFn(self._models, self._default, Shared(),
                                                       self._max_chars)).with_outputs(DEAD, main="articles")
        )
        return {"articles": out.articles, "dead": out[DEAD]}
