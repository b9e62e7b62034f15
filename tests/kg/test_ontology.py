"""The ontology declares every cg: term the code and the SPARQL files use, and stays OWL 2 RL."""

from __future__ import annotations

import re

import pytest
from owlrl import DeductiveClosure, OWLRL_Semantics
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.queries import ONTOLOGY_FILE, header_comment, query, rule, rules, sparql_files
from kg.vocab import CG, NS, SCHEMA

DECLARED_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.NamedIndividual,
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def declared(g: Graph) -> set[URIRef]:
    return {
        s
        for t in DECLARED_TYPES
        for s in g.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }


def code_terms() -> set[URIRef]:
    return {URIRef(NS + name) for name in CG.__annotations__}


def sparql_terms() -> dict[str, set[URIRef]]:
    found = {}
    for path in sparql_files():
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"(?<![\w:])cg:(\w+)", text))
        names |= set(re.findall(re.escape(f"<{NS}") + r"(\w+)>", text))
        found[path.name] = {URIRef(NS + n) for n in names}
    return found


def test_every_python_term_is_declared_with_label_and_comment(ontology: Graph) -> None:
    missing = code_terms() - declared(ontology)
    assert not missing, f"used in kg/vocab.py but not declared: {sorted(missing)}"
    for term in code_terms():
        assert ontology.value(term, RDFS.label), f"{term} has no rdfs:label"
        assert ontology.value(term, RDFS.comment), f"{term} has no rdfs:comment"


def test_every_declared_term_is_in_the_python_namespace(ontology: Graph) -> None:
    assert declared(ontology) - code_terms() == set()


def test_every_sparql_term_is_declared(ontology: Graph) -> None:
    terms = sparql_terms()
    assert "opposite-stance.rq" in terms and terms["opposite-stance.rq"]
    known = declared(ontology)
    for name, used in terms.items():
        assert used <= known, f"{name} uses undeclared {sorted(used - known)}"


def test_misspelt_term_fails_loudly() -> None:
    with pytest.raises(AttributeError):
        _ = CG.contradict


def test_tbox_closure_runs_without_inconsistency(ontology: Graph) -> None:
    g = Graph()
    g += ontology
    DeductiveClosure(OWLRL_Semantics).expand(g)
    errors = [str(m) for m in g.objects(None, ERRNS.error)]
    assert errors == []
    assert (CG.Negative, CG.oppositeStance, CG.Positive) in g
    assert (SCHEMA.Person, RDFS.subClassOf, CG.Source) in g
    assert (CG.mainTopic, RDFS.subPropertyOf, CG.about) in g


def test_closure_flags_a_source_typed_both_named_and_anonymous(ontology: Graph) -> None:
    g = Graph()
    g += ontology
    who = URIRef("https://example.org/who")
    g.add((who, RDF.type, SCHEMA.Person))
    g.add((who, RDF.type, CG.AnonymousSource))
    DeductiveClosure(OWLRL_Semantics).expand(g)
    assert list(g.objects(None, ERRNS.error)), "disjoint source classes were not enforced"


def test_no_enumerations_outside_the_rl_profile(ontology: Graph) -> None:
    assert not list(ontology.subject_objects(OWL.oneOf))
    assert not list(ontology.subject_objects(OWL.unionOf))


def test_rules_and_queries_load_by_name() -> None:
    names = [r.name for r in rules()]
    assert "opposite-stance" in names
    opposite = rule("opposite-stance")
    assert "opposite" in opposite.description.lower()
    assert "SELECT" in opposite.text
    assert query("claim-ids").lstrip().startswith("#")
    with pytest.raises(KeyError):
        query("no-such-query")


def test_header_comment_stops_at_the_first_statement() -> None:
    text = "# Flags one thing.\n#  Because.\nPREFIX x: <y>\n# not header\nSELECT * {}"
    assert header_comment(text) == "Flags one thing. Because."
