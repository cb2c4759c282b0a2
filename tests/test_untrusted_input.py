"""Untrusted input: nothing from a file is evaluated or unpickled, and nothing in a file
decides where output is written."""
import json
import re

import pytest

from conftest import ROOT, read_rows, run_pipeline
from transforms.schema import is_valid_partition

STORY = ("PARIS (Reuters) - The French government on Tuesday unveiled a plan to cut energy bills for "
         "households and small firms, after weeks of protests over the rising cost of living in the capital "
         "and in several regional cities, officials said. The measures will cost about 4 billion euros this year.")

FORBIDDEN = re.compile(r"\b(pickle\.loads?|cPickle|marshal\.loads?|eval\(|exec\(|yaml\.load\(|yaml\.unsafe_load|"
                       r"shelve\.|dill\.loads?|__import__\()")


def test_code_never_evaluates_or_unpickles_anything():
    offenders = []
    for path in list((ROOT / "transforms").rglob("*.py")) + list((ROOT / "pipelines").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.slow
def test_paths_and_partitions_cannot_be_steered_by_content(tmp_path):
    hostile = {"url": "../../../../tmp/evil", "source_uri": "/etc/passwd", "source_record": 99,
               "country": "../../etc", "date": "../../x", "title": "date=../../x/country=../etc",
               "published": "2025-01-08T03:10:00Z", "text": STORY.replace("PARIS", "../../ETC") + "\n\n" + STORY}
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_text(json.dumps(hostile) + "\n", encoding="utf-8")
    output = tmp_path / "out"
    run_pipeline([feed], output)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != feed]
    assert written and all(output in p.parents for p in written)
    for part in output.rglob("*.parquet"):
        date_dir, country_dir = part.parent.parent.name, part.parent.name
        assert date_dir.startswith("date=") and country_dir.startswith("country=")
        assert is_valid_partition(date_dir[5:], country_dir[8:])
    (row,) = read_rows(output)
    assert row["source_uri"] == str(feed) and row["source_record"] == 0
    assert row["date"] == "2025-01-08"
