"""Language identification (transforms/text/language.py)."""
import pytest
from hypothesis import given, settings, strategies as st

from transforms.text.language import article_language, detect_language, language_tag

ENGLISH = ("Thousands of doctors in Kenya’s public hospitals returned to work on Tuesday after their union signed "
           "a deal with the government to pay months of salary arrears, ending a five-week strike.")
SPANISH = ("El Consejo de Ministros aprobó este jueves un plan dotado con 7.000 millones de euros para construir "
           "180.000 viviendas de alquiler asequible en los próximos cinco años.")
FRENCH = ("Le gouvernement a présenté mercredi un plan permettant aux maires de plafonner les locations "
          "touristiques à 90 nuits par an et de geler les nouvelles annonces dans certains quartiers.")


@pytest.mark.parametrize("text, expected", [(ENGLISH, "en"), (SPANISH, "es"), (FRENCH, "fr"), ("Hi", None),
                                            ("", None), (None, None)])
def test_detect_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("tag, expected", [("en-US", "en"), ("es_ES", "es"), ("FR", "fr"), ("", None),
                                           (None, None), ("en US!", None)])
def test_language_tag(tag, expected):
    assert language_tag(tag) == expected


def test_a_confident_reading_beats_the_site_wide_tag():
    assert article_language(SPANISH, "en-US") == "es"
    assert article_language("Ok", "en-GB") == "en"          # too short to read: the tag
    assert article_language(ENGLISH, None) == "en"


@settings(max_examples=30)
@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=12)))
def test_article_language_never_raises(text, tag):
    found = article_language(text, tag)
    assert found is None or (found.isalpha() and found.islower())
