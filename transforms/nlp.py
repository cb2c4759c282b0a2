"""Stage 4, NLP: named entities and quotes with spaCy, batched through ``nlp.pipe``.

Models come from config ({language: spaCy package}). Each worker loads a model once and
shares it between the DoFn instances of its threads (``apache_beam.utils.shared``); the
default language's model is loaded in ``setup()``, the others on the first document that
needs them, so a run without French copy never pays for the French model. A body whose
language is unknown is read with the default model. A document in a language without a
model still becomes a row, with no entities (counter ``nlp.no_model``); its quotes are
still found, without named speakers.

Only the ``ner`` component is loaded. Quotes are found on characters and attributed by
rules over the entity mentions (transforms/text/quotes.py), which need neither the
dependency parser nor a sentence segmenter; in spaCy's small pipelines ``ner`` has its own
tok2vec, so excluding the others changes no entity. Measured on the English gold bodies
(tests/nlp_harness.py --bench, 2 shared cores): NER only 32 docs/s, the full pipeline with
the parser 14 docs/s (2.3x slower; 3.2x on a busier machine); the rules add ~12%. The
parser would buy nothing measurable: the rules attribute every gold quote of dev, seeds
and tests/corpus.

Bad input: bodies are cut at ``max_chars`` (counter ``nlp.truncated``); runs of more than
MAX_TOKEN_CHARS non-blank characters are blanked before the model (``nlp.long_runs_blanked``);
quote problems are counted as ``nlp.quotes.<problem>``; a document the model or the rules
fail on becomes a dead letter, the rest of its batch goes on.
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.utils.shared import Shared

from transforms.dead_letters import SplitOutcomes, dead_letter, passed, rejected
from transforms.partitioning import stable_shard
from transforms.shuffle import GroupByKeyPacked
from transforms.text.entities import dateline_span, extract_entities, known_places
from transforms.text.quotes import extract_quotes

# The one component the stage uses; every other one is excluded from loading.
USED_COMPONENTS = ("ner",)
# No name is this long, and spaCy's tokenizer splits a long run of punctuation in
# quadratic time (5,000 quote marks: 12 s): such runs are blanked before the model.
MAX_TOKEN_CHARS = 100
_LONG_RUN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")
# spaCy's working memory grows with the tokens it holds at once (the small English model:
# ~16 MB per 1,000 tokens, measured; a 200,000-character body took 630 MB). A long body
# goes through the model in pieces of at most PIECE_CHARS characters, reassembled into
# one Doc, and one nlp.pipe call holds at most PIPE_CHARS characters (as fast as batches
# of 64 bodies on the gold bodies: 19.2 vs 19.6 docs/s, peak 294 vs 413 MiB).
PIECE_CHARS = 20_000
PIPE_CHARS = 30_000

log = logging.getLogger(__name__)


def load_model(package: str, components=USED_COMPONENTS):
    """The spaCy pipeline ``package`` (an installed package or a path) with only
    ``components`` loaded."""
    import spacy  # noqa: PLC0415 - heavy import, only on workers that run this stage

    path = spacy.util.get_package_path(package) if spacy.util.is_package(package) else Path(package)
    meta = spacy.util.get_model_meta(path)
    excluded = [name for name in meta.get("components", meta.get("pipeline", [])) if name not in components]
    return spacy.load(package, exclude=excluded)


def model_text(body: str, max_chars: int) -> tuple[str, int]:
    """(text given to spaCy, runs blanked): the body's first ``max_chars`` characters with
    runs of more than MAX_TOKEN_CHARS non-blank characters replaced by as many spaces, so
    that the model's offsets are the body's."""
    return _LONG_RUN.subn(lambda m: " " * len(m.group()), body[:max_chars])


def model_pieces(text: str, piece_chars: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``piece_chars`` characters whose
    concatenation is ``text``; each piece ends after a paragraph break where there is
    one, else after a line break, else after a space."""
    pieces, start = [], 0
    while len(text) - start > piece_chars:
        end = start + piece_chars
        for separator in ("\n\n", "\n", " "):
            found = text.rfind(separator, start + 1, end)
            if found > start:
                end = found + len(separator)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def pipe_groups(texts: list[str], budget: int = PIPE_CHARS):
    """Consecutive groups of ``texts`` of at most ``budget`` characters in all (a longer
    text alone): one ``nlp.pipe`` call each."""
    group, size = [], 0
    for text in texts:
        if group and size + len(text) > budget:
            yield group
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield group


def annotate(article: dict, doc, max_chars: int) -> dict:
    """Fills the article's entities, mentions and quotes from the spaCy ``doc`` of its
    body's first ``max_chars`` characters (``doc`` None: no model for its language).
    Returns what bad input did to the quotes ({"unclosed": n, ...})."""
    body = (article.get("body") or "")[:max_chars]
    language = article.get("language")
    if doc is None:
        entities, mentions = [], []
    else:
        entities, mentions = extract_entities(doc, language, article.get("credits") or (),
                                              article.get("dateline"), body)
    dateline = dateline_span(body, article.get("dateline"))
    quotes, problems = extract_quotes(body, mentions, language, dateline[1] if dateline else 0)
    article["entities"], article["mentions"], article["quotes"] = entities, mentions, quotes
    return problems


class _Model:
    """A weak-referenceable holder for ``Shared``."""

    def __init__(self, nlp):
        self.nlp = nlp


class AnnotateBatchFn(beam.DoFn):
    def __init__(self, models: dict, default_language: str, shared: Shared, max_chars: int):
        self._packages = dict(models)
        self._default = default_language
        self._shared = shared
        self._max_chars = max_chars
        self._no_model = Metrics.counter("wirebeam", "nlp.no_model")
        self._truncated = Metrics.counter("wirebeam", "nlp.truncated")
        self._blanked = Metrics.counter("wirebeam", "nlp.long_runs_blanked")
        self._annotated = Metrics.counter("wirebeam", "nlp.out")
        self._quotes = Metrics.counter("wirebeam", "nlp.quotes")
        self._models: dict = {}

    def setup(self):
        self._model(self._default)
        known_places()

    def _model(self, language):
        package = self._packages.get(language)
        if package is None:
            return None
        if language not in self._models:
            nlp = self._shared.acquire(functools.partial(_load_holder, package), tag=package).nlp
            nlp.max_length = max(nlp.max_length, self._max_chars + 1)
            self._models[language] = nlp
        return self._models[language]

    def process(self, batch):
        by_language: dict = {}
        for article in batch:
            if not isinstance(article.get("body") or "", str):
                yield self._dead(article, TypeError(f"body is {type(article['body']).__name__}, not text"))
                continue
            # A body whose language was not detected is read with the default model.
            by_language.setdefault(article.get("language") or self._default, []).append(article)
        for language, articles in by_language.items():
            texts = []
            for article in articles:
                body = article.get("body") or ""
                if len(body) > self._max_chars:
                    self._truncated.inc()
                text, blanked = model_text(body, self._max_chars)
                self._blanked.inc(blanked)
                texts.append(text)
            for article, doc in zip(articles, self._docs(language, texts)):
                try:
                    if isinstance(doc, Exception):
                        raise doc
                    problems = annotate(article, doc, self._max_chars)
                except Exception as e:  # noqa: BLE001 - one bad document must not cost the batch
                    yield self._dead(article, e)
                    continue
                for problem, count in problems.items():
                    Metrics.counter("wirebeam", f"nlp.quotes.{problem}").inc(count)
                self._quotes.inc(len(article["quotes"]))
                self._annotated.inc()
                yield passed(article)

    def _docs(self, language, texts) -> list:
        """A Doc per text (None without a model for the language, the exception for a text
        the model failed on)."""
        nlp = self._model(language)
        if nlp is None:
            self._no_model.inc(len(texts))
            return [None] * len(texts)
        pieces = [model_pieces(text) for text in texts]
        try:
            piece_docs = iter([doc for group in pipe_groups([p for ps in pieces for p in ps])
                               for doc in nlp.pipe(group, batch_size=len(group))])
            return [_joined(nlp, [next(piece_docs) for _ in ps]) for ps in pieces]
        except Exception:  # noqa: BLE001 - find the one text that failed, keep the others
            return [_doc_or_error(nlp, ps) for ps in pieces]

    @staticmethod
    def _dead(article, error):
        Metrics.counter("wirebeam", "nlp.dead.exception").inc()
        return rejected(dead_letter(
            article.get("source_uri", ""), article.get("source_record", 0), "nlp", "exception",
            f"{type(error).__name__}: {error}", str(article.get("body") or "")))


def _joined(nlp, docs):
    """One Doc of a text from the Docs of its pieces (offsets as in the whole text)."""
    if len(docs) == 1:
        return docs[0]
    from spacy.tokens import Doc  # noqa: PLC0415 - heavy import, only on workers that run this stage

    return Doc.from_docs(docs, ensure_whitespace=False)


def _doc_or_error(nlp, pieces):
    try:
        return _joined(nlp, [nlp(piece) for piece in pieces])
    except Exception as e:  # noqa: BLE001
        return e


def _load_holder(package: str) -> _Model:
    log.info("loading spaCy model %s", package)
    return _Model(load_model(package))


def batches(keyed_group, batch_size: int):
    """The articles of one bucket, ``batch_size`` at a time, without holding the bucket."""
    _, articles = keyed_group
    batch = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


class AnnotateArticles(beam.PTransform):
    """articles -> {"articles", "dead"} with entities, mentions and quotes filled.

    Batches for ``nlp.pipe`` are cut from ``buckets`` groups (articles keyed by a hash of
    their doc_id), not with BatchElements: BatchElements emits its last batch from
    finish_bundle, whose outputs the DaskRunner drops. ``buckets`` bounds the stage's
    parallelism: raise it with the cluster (a few times the worker cores)."""

    def __init__(self, models: dict, default_language: str = "en", batch_size: int = 64,
                 max_chars: int = 200_000, buckets: int = 32):
        super().__init__()
        self._models, self._default = models, default_language
        self._batch_size, self._max_chars, self._buckets = batch_size, max_chars, buckets

    def expand(self, articles):
        return (
            articles
            | "KeyByBucket" >> beam.Map(lambda article, n: (stable_shard(article["doc_id"], n), article),
                                        self._buckets)
            | "Buckets" >> GroupByKeyPacked()
            | "Batches" >> beam.FlatMap(batches, self._batch_size)
            | "Annotate" >> beam.ParDo(AnnotateBatchFn(self._models, self._default, Shared(), self._max_chars))
            | "Split" >> SplitOutcomes("articles")
        )
