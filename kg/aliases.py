"""Alias resolution across articles: person nodes that name one person get ``owl:sameAs``.

A named speaker's IRI is the slug of the fullest name its article gives (``kg/speakers.py``), so
"Maria Alvarez" is one node in every article that says "Maria Alvarez"; but an article that only
ever says "Alvarez" mints ``person-alvarez`` (or ``org-alvarez``, if the entity recognizer took
it for an organization). Within a reasoning neighbourhood, two person nodes
are the same person when a form of one (name, ``schema:alternateName``, or the last word of a
full name) is a form of the other, and the shared form is unambiguous there: a full name (two
or more words), or a single word that the full names of the nodes carrying it agree on. "Alvarez"
next to "Maria Alvarez" and "Tomas Alvarez" links nobody.

The links are stated as ``owl:sameAs``; owlrl's equality rules (eq-sym, eq-trans, eq-rep-*) then
merge what the two nodes said, so a rule asking for one speaker's claims sees both.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from rdflib import Graph, URIRef

from kg.graph import new_graph
from kg.vocab import OWL, RDF, SCHEMA

__all__ = ["alias_graph", "forms"]


def forms(g: Graph, person: URIRef) -> tuple[set[str], set[str]]:
    """A person node's (full names, all forms), lowercased."""
    names = {str(n).strip().lower() for n in g.objects(person, SCHEMA.name)}
    names |= {str(n).strip().lower() for n in g.objects(person, SCHEMA.alternateName)}
    full = {n for n in names if len(n.split()) > 1}
    return full, names | {n.split()[-1] for n in full}


def _candidates(g: Graph) -> list[URIRef]:
    """Person nodes, and organizations named by one word only: "Alvarez" alone, with no first
    name to go by, is often tagged an organization by the entity recognizer."""
    people = set(g.subjects(RDF.type, SCHEMA.Person))
    for org in set(g.subjects(RDF.type, SCHEMA.Organization)) - people:
        full, _ = forms(g, org)
        if not full and any(True for _ in g.objects(org, SCHEMA.name)):
            people.add(org)
    return sorted(p for p in people if isinstance(p, URIRef))


def alias_graph(g: Graph) -> Graph:
    """``owl:sameAs`` between the person nodes of ``g`` that share an unambiguous form."""
    by_form: dict[str, set[URIRef]] = defaultdict(set)
    full_names: dict[URIRef, set[str]] = {}
    for person in _candidates(g):
        full, every = forms(g, person)
        full_names[person] = full
        for form in every:
            by_form[form].add(person)
    persons = set(g.subjects(RDF.type, SCHEMA.Person))
    links = new_graph()
    for form, people in by_form.items():
        if len(people) < 2 or not people & persons:
            continue
        if len(form.split()) == 1:
            fulls = {name for p in people for name in full_names[p] if name.split()[-1] == form}
            if len(fulls) > 1:
                continue
        for a, b in combinations(sorted(people), 2):
            links.add((a, OWL.sameAs, b))
    return links
