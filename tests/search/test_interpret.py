"""How a query is read (search.interpret): readings, words, closeness; pure functions, real jieba and OpenCC."""

import json

import pytest
from django.conf import settings

from plantext.numbers import number_forms
from plantext.scripts import normalize, regional_forms, variant_form
from plantext.segment import tokenizer
from search import interpret as interpret_module
from search.aliases import alias_map, read_alias_file
from search.interpret import Lexicon, close_together, interpret, segment
from search.text import QueryError
from tests.conftest import PLAN


@pytest.fixture(scope="module")
def lexicon():
    folder = settings.PLAN_FIXTURES_DIR / PLAN
    data = json.loads((folder / "generated" / "plan.json").read_text(encoding="utf-8"))
    entries = read_alias_file(settings.PLAN_FIXTURES_DIR / "aliases.tsv", source="general") + data["aliases"]
    words = frozenset(normalize(word) for word in data["dictionary"])
    return Lexicon(aliases=alias_map(entries), words=words, tokenizer=tokenizer(words))


def readings_of(q, lexicon):
    (term,) = [t for group in interpret(q, lexicon).groups for t in group]
    return {r.text: r.how for r in term.readings}


def words_of(q, lexicon):
    (term,) = [t for group in interpret(q, lexicon).groups for t in group]
    return [s.words for s in term.segmentations]


def test_regional_vocabulary_is_read_as_the_mainland_word_beside_the_typed_one():
    assert regional_forms("軟體") == ["软件"]
    assert regional_forms("網際網路") == ["互联网"]
    # tw2sp also "converts" mainland words: the typed form stays the first reading (below).
    assert regional_forms("整合") == ["集成"]
    assert regional_forms("京津冀") == []


def test_a_character_variant_of_the_converted_text_is_a_reading():
    assert variant_form("着力") == "著力"
    assert variant_form("显著") is None


def test_numbers_are_read_the_way_the_plan_writes_them():
    assert number_forms("2035年") == ["二〇三五年"]
    assert number_forms("延长30年") == ["延长三十年"]
    assert number_forms("二〇二五年") == ["2025年"]
    assert number_forms("5g网络") == []


def test_readings_keep_the_typed_text_first_and_say_how_each_was_made(lexicon):
    assert readings_of("整合", lexicon) == {"整合": "typed", "集成": "regional"}
    assert readings_of("民企", lexicon) == {"民企": "typed", "民营企业": "alias"}
    assert readings_of("着力", lexicon) == {"着力": "typed", "著力": "variant"}
    assert readings_of("2035年", lexicon) == {"2035年": "typed", "二〇三五年": "number"}
    assert readings_of("R&D投入", lexicon) == {"r&d投入": "typed", "研发投入": "alias"}


def test_latin_aliases_are_read_only_as_whole_latin_words(lexicon):
    assert "人工智能" in readings_of("AI", lexicon)
    assert readings_of("MAIL", lexicon) == {"mail": "typed"}
    assert "人工智能+行动" in readings_of("AI+行动", lexicon)


def test_an_alias_inside_a_longer_alias_is_read_only_as_the_longer_one(lexicon):
    # 上合 and 上合组织 are both aliases of 上海合作组织: 上合组织 is not also read as 上海合作组织组织
    assert readings_of("上合组织", lexicon) == {"上合组织": "typed", "上海合作组织": "alias"}
    assert readings_of("上合峰会", lexicon) == {"上合峰会": "typed", "上海合作组织峰会": "alias"}


def test_words_typed_together_are_cut_into_words_never_into_single_characters(lexicon):
    assert words_of("托育服务", lexicon) == [("托育", "服务")]  # 托育: two characters jieba knows one by one
    assert words_of("汽车产业", lexicon) == [("汽车", "产业")]  # one jieba word, made of two
    assert words_of("十五五规划", lexicon) == [("十五", "五", "规划")]
    assert words_of("2035年现代化大都市", lexicon)[0][0] == "2035年"
    # A word jieba knows whole is never split into its characters: nothing to bring together.
    assert words_of("海关", lexicon) == []
    assert words_of("足球", lexicon) == []
    assert words_of("房产税", lexicon) == []


def test_a_quoted_phrase_and_an_exclusion_are_never_segmented(lexicon):
    query = interpret('"绿色金融" -科技金融', lexicon)
    assert [t.segmentations for group in query.groups for t in group] == [[]]
    assert [t.segmentations for t in query.negatives] == [[]]


def test_interpretation_describes_terms_readings_words_and_exclusions(lexicon):
    described = interpret("民企 OR 國企 托育服务 -交通", lexicon).describe()
    assert [(t["typed"], t["alternatives"]) for t in described["terms"]] == [
        ("民企", False),
        ("國企", True),
        ("托育服务", False),
    ]
    assert described["terms"][1]["readings"] == [
        {"text": "国企", "how": "typed"},
        {"text": "国有企业", "how": "alias", "alias": "国企"},
    ]
    assert described["terms"][2]["segmented"] == [["托育", "服务"]]
    assert described["excluded"] == ["交通"]


def test_a_query_with_nothing_to_search_for_is_an_error(lexicon):
    with pytest.raises(QueryError, match="nothing to search for"):
        interpret("，。", lexicon)


@pytest.mark.parametrize(
    ("sentence", "words", "close"),
    [
        ("发展高质量普惠托育和托幼一体化服务", ("托育", "服务"), True),  # one clause
        ("强化风险防控,化解重点领域风险", ("风险", "化解"), True),  # reversed, in one clause
        ("土地承包关系,稳步推进二轮承包到期后再延长三十年", ("土地承包", "延长"), True),  # two clauses, in order
        ("临港产业,做强冷链、汽车等贸易", ("汽车", "产业"), False),  # two clauses, reversed
        ("人口、产业一体规划,优化生产、生活空间,推动城市网络化发展", ("人口", "发展"), False),  # three clauses
        ("确保粮食、能源资源、重大基础设施安全", ("粮食", "安全"), True),  # the list shares 安全
        ("健全数据产权登记、流通、交易等制度", ("数据", "交易"), True),  # 数据 applies to the whole list
        ("导入先进制造、科技服务、商务金融等业态", ("科技", "金融"), False),  # each a compound of its own item
        ("推动科技创新、产业创新、金融创新深度融合", ("科技", "金融"), False),
        ("完善金融、投资、价格、科技政策", ("科技", "金融"), False),  # reversed across a list
    ],
)
def test_words_stand_close_together_in_one_clause_or_in_order_across_one_comma(sentence, words, close):
    assert (close_together(normalize(sentence), words) is not None) == close


def test_a_word_typed_twice_is_looked_for_once():
    sentence = normalize("发展高质量普惠托育和托幼一体化服务")
    assert close_together(sentence, ("托育", "服务") * 20) == close_together(sentence, ("托育", "服务"))


def test_a_long_query_tries_a_bounded_number_of_combinations(monkeypatch):
    # Seven words, each four times in one sentence, are 4**7 = 16,384 combinations of occurrences; a query of
    # 200 characters could ask for millions. At most MAX_COMBINATIONS are tried, and the words are still found.
    words = ("科技", "产业", "金融", "人才", "数据", "城市", "港口")
    sentence = "，".join("、".join(words) for _ in range(4))
    tried = []
    acceptable = interpret_module._acceptable
    monkeypatch.setattr(interpret_module, "_acceptable", lambda *args: tried.append(1) or acceptable(*args))
    assert close_together(sentence, words) is not None
    assert 0 < len(tried) <= interpret_module.MAX_COMBINATIONS == 4096


def test_segment_leaves_a_single_word_alone(lexicon):
    assert segment("新质生产力", lexicon) is None
    assert segment("新能源汽车", lexicon) == ("新能源", "汽车")
