"""Stage 3, enrich (transforms/enrich.py): articles built the way extract hands them over."""
import datetime as dt

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.enrich import EnrichArticles, enrich_article
from transforms.schema import empty_row, partition_values
from transforms.text.places import load_gazetteer

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def article(paragraphs, headline=None, **meta):
    row = empty_row()
    row.update(doc_id="d1", source_uri="/in/x.txt", source_record=0, headline=headline, url=meta.get("url"),
               paragraphs=paragraphs, meta=meta)
    return row


def test_ap_text_dump(gazetteer):   # dev02
    story = ["NAIROBI, Kenya (AP) — Thousands of doctors in Kenya’s public hospitals returned to work on Tuesday "
             "after their union signed a deal with the government to pay months of salary arrears.",
             "Kenya’s public health system has been hit by repeated strikes, including one in 2017 that lasted "
             "100 days."]
    out, problems = enrich_article(article(
        story + ["___", "Associated Press writer Samuel Otieno in Kampala, Uganda, contributed to this report."],
        headline="Kenyan doctors end five-week strike after government agrees to pay salary arrears",
        bylines=["By EVELYN MWANGI and DAVID OKORO"],
        chrome=["Menu", "World", "By EVELYN MWANGI and DAVID OKORO", "Updated 3:14 PM GMT+1, March 4, 2025",
                "Share", "Copyright 2025 The Associated Press. All Rights Reserved."]), gazetteer)
    assert out["body"] == "\n\n".join(story)
    assert out["credits"] == [{"role": "byline", "name": "Evelyn Mwangi"}, {"role": "byline", "name": "David Okoro"},
                              {"role": "contributing", "name": "Samuel Otieno"}]
    assert out["dateline"] == {"raw": "NAIROBI, Kenya (AP) —", "city": "NAIROBI", "country": "KE", "agency": "AP"}
    assert (out["published_at"], out["date_source"]) == (dt.datetime(2025, 3, 4, 14, 14, tzinfo=UTC), "chrome-line")
    assert (out["country"], out["country_source"], out["language"]) == ("KE", "dateline", "en")
    assert problems == []


def test_efe_jsonl_record(gazetteer):   # dev08 record 1
    story = ["Madrid, 9 ene (EFE).- El Consejo de Ministros aprobó este jueves un plan dotado con 7.000 millones "
             "de euros para construir 180.000 viviendas de alquiler asequible en los próximos cinco años.",
             "La medida llega \"tarde y con poca ambición\", según Marta Gil, economista de Funcas."]
    out, _ = enrich_article(article(story + ["(EFE)", "mgr/amg"], published="2025-01-09T13:25:00+01:00",
                                    url="https://efe.com/economia/2025-01-09/gobierno-plan-vivienda-asequible/"),
                            gazetteer)
    assert "mgr/amg" not in out["body"] and out["body"] == "\n\n".join(story)
    assert out["credits"] == []
    assert out["dateline"] == {"raw": "Madrid, 9 ene (EFE).-", "city": "Madrid", "country": "ES", "agency": "EFE"}
    assert (out["published_at"], out["date_source"]) == (dt.datetime(2025, 1, 9, 12, 25, tzinfo=UTC), "metadata")
    assert (out["country"], out["language"]) == ("ES", "es")


def test_story_without_dateline_gets_the_country_it_is_about(gazetteer):   # dev06
    out, _ = enrich_article(article(
        ["Councils across England have warned that as many as one in four could be forced to declare effective "
         "bankruptcy within two years unless ministers provide emergency funding.",
         "Eight councils, including Birmingham, Nottingham and Woking, have issued section 114 notices since 2018."],
        headline="Councils in England warn of wave of effective bankruptcies as care costs soar",
        published="2024-11-19T07:00:00Z", author="Harriet Lowe", url="https://www.theguardian.com/society/x"),
        gazetteer)
    assert out["dateline"] is None
    assert (out["country"], out["country_source"]) == ("GB", "content")
    assert out["credits"] == [{"role": "byline", "name": "Harriet Lowe"}]
    assert out["published_at"].date() == dt.date(2024, 11, 19)


def test_agency_story_with_only_relative_stamps_has_no_date(gazetteer):   # dev04
    out, problems = enrich_article(article(
        ["Paris (AFP) - The French government on Wednesday unveiled a plan allowing mayors to cap holiday "
         "rentals at 90 nights a year.", "Paris already limits the rental of a main residence to 120 nights."],
        bylines=["Story by AFP"], chrome=["Story by AFP", "• 2h • 3 min read", "© 2025 Microsoft"]), gazetteer)
    assert out["credits"] == []
    assert out["dateline"] == {"raw": "Paris (AFP) -", "city": "Paris", "country": "FR", "agency": "AFP"}
    assert (out["published_at"], out["date_source"]) == (None, None)
    assert "date_missing" in problems


def test_a_dateline_without_agency_takes_the_agency_the_page_credits(gazetteer):   # PTI via Indian outlets
    story = ["Mumbai: The Central Railway will introduce 12 more air-conditioned local train services on its "
             "suburban network in Mumbai from February 1, officials said.",
             "(Only the headline and picture of this report may have been reworked by the Business Standard staff; "
             "the rest of the content is auto-generated from a syndicated feed.)"]
    out, _ = enrich_article(article(story, author="Press Trust of India"), gazetteer)
    assert out["dateline"] == {"raw": "Mumbai:", "city": "Mumbai", "country": "IN", "agency": "PTI"}
    assert out["body"] == story[0] and out["credits"] == []
    chrome = ["India News | Press Trust of India | Updated: February 27, 2025 10:12 pm IST"]
    out, _ = enrich_article(article(story[:1], chrome=chrome), gazetteer)
    assert out["dateline"]["agency"] == "PTI"
    assert out["published_at"] == dt.datetime(2025, 2, 27, 16, 42, tzinfo=UTC)


def test_dateline_day_and_month_take_the_year_of_the_copyright_line(gazetteer):
    out, _ = enrich_article(article(
        ["TOKYO, March 5 (Reuters) - Japan will release another 100,000 metric tons of rice from government "
         "stockpiles this month, the farm ministry said on Wednesday."],
        chrome=["3 minute read", "© 2025 Reuters. All rights reserved"]), gazetteer)
    assert (out["published_at"], out["date_source"]) == (dt.datetime(2025, 3, 5, tzinfo=UTC), "dateline")


def test_an_unparsable_metadata_date_is_counted_and_gives_nothing(gazetteer):
    out, problems = enrich_article(article(["Some story text that is long enough to read as English prose."],
                                           published="yesterday evening"), gazetteer)
    assert out["published_at"] is None
    assert "date_unparsed" in problems and "country_missing" in problems


def test_the_local_publication_date_is_kept_beside_the_utc_instant(gazetteer):   # The Straits Times
    out, _ = enrich_article(article(
        ["SINGAPORE – Diners at 40 hawker centres will be able to buy meals for $3 or less from April, as the "
         "National Environment Agency expands a budget-meal scheme piloted at two centres in 2024."],
        published="2025-03-05T06:00:00+08:00", date_lines=["Published Mar 05, 2025, 06:00 AM"]), gazetteer)
    assert out["published_at"] == dt.datetime(2025, 3, 4, 22, 0, tzinfo=UTC)
    assert out["local_date"] == "2025-03-05"
    assert partition_values(out["published_at"], out["country"], out["local_date"]) == ("2025-03-05", "SG")
    assert partition_values(out["published_at"], out["country"]) == ("2025-03-04", "SG")   # what UTC alone gives


@pytest.mark.parametrize("meta, instant, local_date", [
    ({"date_lines": ["Published 12:40 AM HKT, Fri March 14, 2025"]}, dt.datetime(2025, 3, 13, 16, 40, tzinfo=UTC),
     "2025-03-14"),
    ({"date_lines": ["TNN | Updated: Feb 26, 2025, 01:15 IST"]}, dt.datetime(2025, 2, 25, 19, 45, tzinfo=UTC),
     "2025-02-26"),
    ({"published": "Wed, 05 Mar 2025 21:40:00 -0500"}, dt.datetime(2025, 3, 6, 2, 40, tzinfo=UTC), "2025-03-05"),
    ({"published": "1739307913000"}, dt.datetime(2025, 2, 11, 21, 5, 13, tzinfo=UTC), None),
])
def test_local_date_of_each_kind_of_source(gazetteer, meta, instant, local_date):
    out, _ = enrich_article(article(["Story text that is long enough to read as English prose, or so we hope."],
                                    **meta), gazetteer)
    assert (out["published_at"], out["local_date"]) == (instant, local_date)


def test_kyodo_record(gazetteer):   # a bare agency before the dash, a +09:00 timestamp
    story = ["TOKYO, Feb. 20 Kyodo - Japan's health ministry will sharply increase subsidies for doctors who move "
             "to rural areas with too few physicians, a ministry official said Thursday."]
    out, _ = enrich_article(article(story, published="2025-02-20T08:37:00+09:00",
                                    url="https://english.kyodonews.net/news/2025/02/x.html"), gazetteer)
    assert out["dateline"] == {"raw": "TOKYO, Feb. 20 Kyodo -", "city": "TOKYO", "country": "JP", "agency": "Kyodo"}
    assert (out["published_at"], out["local_date"]) == (dt.datetime(2025, 2, 19, 23, 37, tzinfo=UTC), "2025-02-20")


def test_canadian_press_copy_takes_its_agency_from_the_author_field(gazetteer):   # CBC
    story = ["OTTAWA — The federal government says it will spend $1.5 billion over five years to help build roads "
             "and power lines for critical minerals mines."]
    out, _ = enrich_article(article(story, author="Jordan Whitlock, The Canadian Press",
                                    published="Wed, 05 Mar 2025 16:12:00 -0500"), gazetteer)
    assert out["dateline"] == {"raw": "OTTAWA —", "city": "OTTAWA", "country": "CA", "agency": "The Canadian Press"}
    assert out["credits"] == [{"role": "byline", "name": "Jordan Whitlock"}]


def test_story_about_a_state_of_another_country_gets_that_country(gazetteer):   # ABC Australia
    story = ["Farmers on South Australia's Limestone Coast are selling off breeding stock and trucking in feed from "
             "interstate after the region recorded its driest 18 months since records began.",
             "Parts of the region, including Naracoorte and Penola, received less than 60 per cent of their "
             "average rainfall over the period."]
    out, _ = enrich_article(article(story, headline="Limestone Coast farmers sell stock as record dry bites",
                                    bylines=["By Bridget Hanlon"],
                                    date_lines=["Posted Tue 4 Mar 2025 at 3:31pm, updated Tue 4 Mar 2025 at 5:02pm"]),
                            gazetteer)
    assert (out["country"], out["country_source"]) == ("AU", "content")
    assert (out["local_date"], out["date_source"]) == ("2025-03-04", "chrome-line")
    assert out["credits"] == [{"role": "byline", "name": "Bridget Hanlon"}]


def test_page_byline_glued_stamp_and_footer_credits(gazetteer):   # DW text dump
    story = ["Berlin's largest tenants' association said on Wednesday it would take a test case to Germany's "
             "Federal Court of Justice over furnished flats let on short contracts.",
             "A ruling by the court in Karlsruhe could take more than a year, the association said."]
    out, _ = enrich_article(article(story + ["Edited by: Martin Kübler"], bylines=["Jana Krüger"],
                                    date_lines=["03/12/2025March 12, 2025"]), gazetteer)
    assert out["body"] == "\n\n".join(story)
    assert out["credits"] == [{"role": "byline", "name": "Jana Krüger"}, {"role": "editing", "name": "Martin Kübler"}]
    assert (out["published_at"], out["local_date"]) == (dt.datetime(2025, 3, 12, tzinfo=UTC), "2025-03-12")
    assert (out["country"], out["country_source"]) == ("DE", "content")


def test_editor_label_in_the_chrome_credits_the_editor(gazetteer):   # Xinhua
    out, _ = enrich_article(article(
        ["BEIJING, March 3 (Xinhua) -- China will expand its consumer goods trade-in program this year."],
        chrome=["Source: Xinhua", "2025-03-03 18:45:12", "Share", "Editor: Wang Xiaoyu"]), gazetteer)
    assert out["credits"] == [{"role": "editing", "name": "Wang Xiaoyu"}]
    assert (out["dateline"]["agency"], out["local_date"]) == ("Xinhua", "2025-03-03")


def test_a_weather_widget_is_no_dateline(gazetteer):   # a small paper's page header before the story
    out, _ = enrich_article(article(
        ["Jos: 24°C, Sunny", "Published on March 7, 2025",
         "ABUJA (Reuters) - Nigeria's electricity regulator on Friday ordered distribution companies to cut the "
         "tariff paid by the country's best-supplied customers by 8%."]), gazetteer)
    assert out["dateline"] == {"raw": "ABUJA (Reuters) -", "city": "ABUJA", "country": "NG", "agency": "Reuters"}


def test_missing_keys_are_tolerated(gazetteer):
    row = empty_row()
    row.update(paragraphs=[], meta={})
    out, _ = enrich_article(row, gazetteer)
    assert (out["body"], out["credits"], out["dateline"], out["country"], out["language"]) == ("", [], None, None,
                                                                                                 None)


def test_enrich_stage_sets_fields_and_dead_letters_broken_articles():
    good = article(["BEIJING (Reuters) - China's exports rose more than expected in December, customs data "
                    "showed on Monday, as factories rushed out orders ahead of U.S. tariffs."])
    broken = dict(article(None), doc_id="d2", source_uri="/in/y.txt", paragraphs=7)
    with BeamPipeline() as p:
        out = p | beam.Create([good, broken]) | EnrichArticles()
        assert_that(out["articles"] | beam.Map(lambda a: (a["dateline"]["city"], a["country"], a["language"])),
                    equal_to([("BEIJING", "CN", "en")]), label="articles")
        assert_that(out["dead"] | beam.Map(lambda d: (d["source_uri"], d["stage"], d["reason"])),
                    equal_to([("/in/y.txt", "enrich", "exception")]), label="dead")
