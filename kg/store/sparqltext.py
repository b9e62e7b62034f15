"""SPARQL text and terms for the stores: rdflib <-> pyoxigraph terms, and bindings.

pyoxigraph's ``substitutions`` refuse variables outside the SELECT projection (and do not reach
its planner), so ``bind`` writes each bound variable's term in its place, in N-Triples syntax by
pyoxigraph (escaped, never raw user text). A small lexer skips strings, IRIs and comments so
keywords and variables are only found where SPARQL has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.term import Identifier

from kg.store import Bindings, QuerySyntaxError, Row

__all__ = ["bind", "is_lookup", "is_update", "keywords", "solution_rows", "to_ox", "to_rdflib"]

# SPARQL lexemes that can hide keywords or variables: strings, IRIs and comments are skipped.
_LEXEME = re.compile(
    r"""(?P<skip>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
    |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)
    |(?P<var>[?$]\w+)|(?P<word>[\w:.\-]+)|\S""",
    re.VERBOSE,
)


_TERM_CACHE = 1 << 16


@lru_cache(maxsize=_TERM_CACHE)
def _ox_iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def to_ox(term: Identifier) -> Any:
    """An rdflib term as the equivalent pyoxigraph term (recent IRIs kept: they repeat)."""
    if isinstance(term, URIRef):
        return _ox_iri(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=_ox_iri(str(term.datatype or XSD.string)))
    raise TypeError(f"cannot store {type(term).__name__} {term!r}")


_PLAIN_DATATYPES = frozenset({str(XSD.string), str(RDF.langString)})


@lru_cache(maxsize=_TERM_CACHE)
def _iri(value: str) -> URIRef:
    return URIRef(value)


@lru_cache(maxsize=_TERM_CACHE)
def _typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=_iri(datatype))


def to_rdflib(term: Any) -> Identifier:
    """A pyoxigraph term as the equivalent rdflib term (``xsd:string`` becomes a plain literal).

    Called for every term of every row read. IRIs and typed literals repeat across rows (claims,
    speakers, dates) and rdflib checks every IRI and parses every typed value it makes, so the
    most recent ones are kept (rdflib terms are immutable, so sharing them is safe)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return _iri(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in _PLAIN_DATATYPES:
            return Literal(term.value)
        return _typed(term.value, datatype)
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise TypeError(f"unsupported pyoxigraph term {term!r}")


def solution_rows(result: Any) -> list[Row]:
    """A pyoxigraph SELECT result as rows of rdflib terms, unbound variables left out."""
    if not isinstance(result, ox.QuerySolutions):
        raise QuerySyntaxError("expected a SELECT query")
    names = [v.value for v in result.variables]
    return [
        {
            name: to_rdflib(term)
            for name, term in zip(names, solution, strict=True)
            if term is not None
        }
        for solution in result
    ]


def keywords(query: str) -> set[str]:
    """Upper-cased bare words of a SPARQL text, outside strings, IRIs and comments."""
    return {m.group("word").upper() for m in _LEXEME.finditer(query) if m.group("word")}


def _term(name: str, term: Identifier) -> str:
    if isinstance(term, BNode):
        raise ValueError(f"cannot bind ?{name} to a blank node")
    return str(to_ox(term))


def bind(text: str, bindings: Bindings | None) -> str:
    """Pre-bind variables: each occurrence becomes its term, as SEP-0007 substitution does.

    Terms are written in N-Triples syntax by pyoxigraph (escaped, never raw text). A bound
    variable in the SELECT projection becomes ``(term AS ?var)``, in a solution modifier
    ``(term)``. Constants in place let Oxigraph plan index lookups from them; a ``VALUES`` row
    joined with the pattern can leave the store scanning every article. Queries with a
    sub-SELECT (its own variable scope) or ``SELECT *`` (which would drop the bound variable) get
    that ``VALUES`` row instead. A variable bound to a sequence of terms gets a ``VALUES`` block
    opening the WHERE group, one row per term. Blank nodes cannot be bound.
    """
    if not bindings:
        return text
    terms, lists = {}, {}
    for name, value in bindings.items():
        name = name.lstrip("?$")
        if isinstance(value, Identifier):
            terms[name] = _term(name, value)
        else:
            lists[name] = [_term(name, term) for term in value]
    for name, column in lists.items():
        text = _values(text, [name], [[term] for term in column])
    return _inline(text, terms) if terms else text


def _inline(text: str, terms: Mapping[str, str]) -> str:
    """Each occurrence of a bound variable replaced by its term (see ``bind``)."""
    lexemes = list(_LEXEME.finditer(text))
    words = [m.group(0).upper() for m in lexemes if m.group("word")]
    opened = next((i for i, m in enumerate(lexemes) if m.group(0) == "{"), len(lexemes))
    closed = max((i for i, m in enumerate(lexemes) if m.group(0) == "}"), default=-1)
    if words.count("SELECT") > 1 or any(m.group(0) == "*" for m in lexemes[:opened]):
        return _values(text, list(terms), [list(terms.values())])
    parts, pos, depth = [], 0, 0
    for i, m in enumerate(lexemes):
        token = m.group(0)
        if m.group("var") and token[1:] in terms:
            term = terms[token[1:]]
            if i < opened and depth == 0 and "DESCRIBE" not in words:
                term = f"({term} AS {token})"
            elif i > closed:
                term = f"({term})"
            parts += [text[pos : m.start()], term]
            pos = m.end()
        depth += token in ("{", "(")
        depth -= token in ("}", ")")
    return "".join([*parts, text[pos:]])


def _values(text: str, names: list[str], rows: list[list[str]]) -> str:
    """``text`` with a ``VALUES`` block of ``rows`` opening the outermost WHERE group."""
    header = " ".join(f"?{name}" for name in names)
    body = " ".join(f"({' '.join(row)})" for row in rows)
    values = f" VALUES ({header}) {{ {body} }} "
    outer = list(_outer_lexemes(text))
    has_where = any(m.group(0).upper() == "WHERE" for m in outer)
    where = False
    for m in outer:
        if m.group(0) == "{" and (where or not has_where):
            return text[: m.end()] + values + text[m.end() :]
        where = where or m.group(0).upper() == "WHERE"
    raise QuerySyntaxError("bindings need a WHERE group to bind into")


def _outer_lexemes(text: str) -> Iterator[re.Match[str]]:
    """Lexemes outside any brackets, plus each opening bracket that leaves depth 0."""
    depth = 0
    for m in _LEXEME.finditer(text):
        token = m.group(0)
        if depth == 0:
            yield m
        if token in ("{", "("):
            depth += 1
        elif token in ("}", ")"):
            depth -= 1


_LOOKUP_WORDS = frozenset({"PREFIX", "BASE", "SELECT", "DISTINCT", "REDUCED", "WHERE", "ASK"})
_MODIFIERS = frozenset({"LIMIT", "OFFSET"})


def _constant(token: str) -> bool:
    """An IRI, a prefixed name or a number (not a variable, blank node or keyword)."""
    if token.startswith("<"):
        return True
    return (":" in token and not token.startswith("_:")) or token.replace(".", "", 1).isdigit()


def is_lookup(text: str) -> bool:
    """Whether a query only reads the triples of one given subject: a SELECT or ASK of one
    triple pattern whose subject is an IRI, with no operators, expressions or paths. Its work is
    bounded by that node's out-degree (one index range), so it cannot run away. Conservative:
    anything it does not recognise is not a lookup."""
    tokens = [m.group(0) for m in _LEXEME.finditer(text) if not m.group(0).startswith("#")]
    if tokens.count("{") != 1 or tokens.count("}") != 1:
        return False
    opened, closed = tokens.index("{"), tokens.index("}")
    pattern = tokens[opened + 1 : closed]
    if pattern[-1:] == ["."]:
        pattern = pattern[:-1]
    if len(pattern) != 3 or not _constant(pattern[0]) or pattern[0][0].isdigit():
        return False
    if not (_constant(pattern[1]) or pattern[1].startswith(("?", "$")) or pattern[1] == "a"):
        return False
    if not (_constant(pattern[2]) or pattern[2].startswith(("?", "$", '"', "'"))):
        return False
    head = tokens[:opened]
    form = [t.upper() for t in head if t.upper() in ("SELECT", "ASK")]
    if len(form) != 1:
        return False
    for i, token in enumerate(head):
        upper = token.upper()
        if upper in _LOOKUP_WORDS or token.startswith(("?", "$", "<")) or token == "*":
            continue
        if i and head[i - 1].upper() == "PREFIX" and token.endswith(":"):
            continue
        return False
    tail = tokens[closed + 1 :]
    return all(
        t.upper() in _MODIFIERS or (t.isdigit() and i and tail[i - 1].upper() in _MODIFIERS)
        for i, t in enumerate(tail)
    )


def is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL Update (rdflib's parser: parsing only, no effects)."""
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True
