from __future__ import annotations

from exportwatch.models import Item, Story
from exportwatch.stories.cluster import analyse, belongs, find_story, merge, new_story
from tests.helpers import CORPUS, read_jsonl

NOW = "2019-11-22T12:00:00+00:00"


def start(item: Item) -> Story:
    return new_story(analyse(item), now=NOW)


def joins(story: Story, item: Item) -> bool:
    return belongs(story, analyse(item))


def test_the_three_seeds_make_one_story() -> None:
    # Given
    seeds = sorted((Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")), key=lambda i: i.published)
    # When
    story = start(seeds[0])
    for item in seeds[1:]:
        assert joins(story, item)
        story = merge(story, analyse(item), now=NOW)
    # Then
    assert len(story.sources) == 3
    assert set(story.labels) == {"license.decision", "extension"}


def test_same_party_months_apart_is_another_story() -> None:
    # Given a May 2019 addition and the November 2019 licences
    may = Item(
        id="may",
        title="U.S. adds Huawei to trade blacklist",
        published="2019-05-16",
        text="The Commerce Department said it is adding Huawei Technologies Co. Ltd to its Entity List.",
    )
    november = Item.from_json(read_jsonl(CORPUS / "seeds.jsonl")[2])
    # When / Then
    assert not joins(start(may), november)


def test_two_federal_register_documents_are_two_stories() -> None:
    # Given two Entity List rules of the same day with near-identical boilerplate abstracts
    text = "BIS amends the EAR by adding entities to the Entity List under the destination of China."
    a = Item(
        id="fr:2020-1",
        title="Addition of Entities to the Entity List",
        text=text,
        source="federal_register",
        document_number="2020-1",
        published="2020-06-05",
        agencies=("Industry and Security Bureau",),
    )
    b = Item(
        id="fr:2020-2",
        title="Addition of Entities to the Entity List",
        text=text,
        source="federal_register",
        document_number="2020-2",
        published="2020-06-05",
        agencies=("Industry and Security Bureau",),
    )
    # When / Then
    assert not joins(start(a), b)


def test_public_inspection_copy_and_published_rule_share_the_document_number() -> None:
    # Given
    common = {
        "title": "Entity List Removal",
        "text": "BIS removes one entity from the Entity List.",
        "source": "federal_register",
        "document_number": "2023-25557",
        "agencies": ("Industry and Security Bureau",),
    }
    on_inspection = Item(id="pi:2023-25557", stage="public_inspection", published="2023-11-16", **common)
    published = Item(id="fr:2023-25557", stage="published", published="2023-11-17", citation="88 FR 80000", **common)
    story = start(on_inspection)
    # When
    merged = merge(story, analyse(published), now=NOW)
    # Then it joins and the material change says so
    assert find_story([story], analyse(published)) is story
    assert merged.official and merged.version == 2
    assert merged.changes[0].startswith("now official")


def test_another_article_is_not_a_material_change() -> None:
    # Given
    seeds = sorted((Item.from_json(r) for r in read_jsonl(CORPUS / "seeds.jsonl")), key=lambda i: i.published)
    story = start(seeds[0])  # 002: licence decision + extension
    # When 000 (licence decision only) joins
    merged = merge(story, analyse(seeds[1]), now=NOW)
    # Then
    assert merged.version == story.version
    assert len(merged.sources) == 2
