"""Alias resolution across articles: a surname-only speaker is the full-named one, when unambiguous.

Articles written for these tests go through the real pipeline; ``alias_graph`` is also checked on
hand-made graphs.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kg.aliases import alias_graph
from kg.model import RawArticle
from kg.nlp import load_nlp
from kg.pipeline import ingest
from kg.store.embedded import EmbeddedStore
from kg.views import list_contradictions
from kg.vocab import OWL, RDF, SCHEMA

SPRING = (
    "Ferry service review\n\n"
    "Transport minister Ingrid Vasquez said on Monday that the ferry timetable reform was a great "
    "success for island commuters.\n"
)
AUTUMN = (
    "Ferry delays grow\n\n"
    "Vasquez said the ferry timetable reform was a costly failure that left island commuters "
    "stranded.\n"
)
OTHER = (
    "Budget hearing\n\n"
    "Finance minister Tomas Vasquez said the ferry timetable reform would be an expensive "
    "mistake.\n"
)
SAME_AS = "SELECT ?g ?a ?b WHERE { GRAPH ?g { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b } }"
PEOPLE = URIRef("https://w3id.org/claimgraph/id/speaker/")


def raw(text: str, name: str, published: str) -> RawArticle:
    return RawArticle(text, name, url=f"https://t.example/{name}", published=published)


def person(g: Graph, slug: str, name: str, kind: URIRef = SCHEMA.Person) -> URIRef:
    node = URIRef(f"{PEOPLE}{slug}")
    g.add((node, RDF.type, kind))
    g.add((node, SCHEMA.name, Literal(name)))
    return node


def linked(g: Graph) -> set[frozenset[URIRef]]:
    """The sameAs links of ``g``, in either direction."""
    return {frozenset((s, o)) for s, p, o in g if p == OWL.sameAs}


def test_surname_links_to_the_one_full_name_that_carries_it() -> None:
    g = Graph()
    full = person(g, "person-ingrid-vasquez", "Ingrid Vasquez")
    bare = person(g, "org-vasquez", "Vasquez", SCHEMA.Organization)
    person(g, "person-lena-holt", "Lena Holt")
    assert linked(alias_graph(g)) == {frozenset((bare, full))}


def test_surname_shared_by_two_full_names_links_nobody() -> None:
    g = Graph()
    person(g, "person-ingrid-vasquez", "Ingrid Vasquez")
    person(g, "person-tomas-vasquez", "Tomas Vasquez")
    person(g, "person-vasquez", "Vasquez")
    assert len(alias_graph(g)) == 0


def test_alternate_name_links_two_spellings_of_one_person() -> None:
    g = Graph()
    a = person(g, "person-ingrid-m-vasquez", "Ingrid M. Vasquez")
    g.add((a, SCHEMA.alternateName, Literal("Ingrid Vasquez")))
    b = person(g, "person-ingrid-vasquez", "Ingrid Vasquez")
    assert linked(alias_graph(g)) == {frozenset((a, b))}


def test_two_organizations_are_never_merged_by_a_word() -> None:
    g = Graph()
    person(g, "org-harbour", "Harbour", SCHEMA.Organization)
    person(g, "org-harbour-board", "Harbour", SCHEMA.Organization)
    assert len(alias_graph(g)) == 0


def test_surname_only_article_is_the_same_speaker_across_articles(tmp_path) -> None:
    with EmbeddedStore(str(tmp_path / "s")) as store:
        report = ingest(
            [raw(SPRING, "spring", "2024-03-01"), raw(AUTUMN, "autumn", "2024-09-01")],
            store,
            load_nlp(),
        )
        links = store.select(SAME_AS)
        found = list_contradictions(store)
    assert report.failures == [] and report.ingested == 2
    assert [(str(r["a"]).rsplit("/", 1)[1], str(r["b"]).rsplit("/", 1)[1]) for r in links] == [
        ("org-vasquez", "person-ingrid-vasquez")
    ]
    assert str(links[0]["g"]).endswith(report.articles[1]), "kept with the article that linked"
    assert [c["rule"] for c in found] == ["self-contradiction"], "one person, not two opposed"
    assert "Ingrid Vasquez contradicts themself" in found[0]["reason"]
    assert "2024-03-01" in found[0]["reason"] and "2024-09-01" in found[0]["reason"]


def test_ambiguous_surname_stays_a_separate_speaker(tmp_path) -> None:
    articles = [
        raw(SPRING, "spring", "2024-03-01"),
        raw(OTHER, "other", "2024-04-01"),
        raw(AUTUMN, "autumn", "2024-09-01"),
    ]
    with EmbeddedStore(str(tmp_path / "s")) as store:
        ingest(articles, store, load_nlp())
        assert store.select(SAME_AS) == []
        rules = {c["rule"] for c in list_contradictions(store)}
    assert rules == {"opposite-stance"}, "two opposed people; which Vasquez spoke last is unknown"
