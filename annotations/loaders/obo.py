"""A tiny OBO 1.2 reader for hp.obo: term names, is_a parents, alt ids, obsolete terms.

obonet/pronto are not dependencies; the loader needs only the is_a graph and names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from annotations.loaders.base import AnnotationFormatError, iter_lines


@dataclass
class Ontology:
    version: str = ""
    names: dict[str, str] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    alternatives: dict[str, str] = field(default_factory=dict)
    obsolete: set[str] = field(default_factory=set)

    def primary(self, term_id: str) -> str:
        """The current id for an alt_id; the id itself otherwise."""
        return self.alternatives.get(term_id, term_id)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = defaultdict(list)
        for child, parents in self.parents.items():
            for parent in parents:
                children[parent].append(child)
        return children

    def descendants(self, root: str) -> set[str]:
        """The root and every term below it along is_a."""
        children = self.children
        found = {root}
        stack = [root]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found


def sniff_obo(head: str) -> bool:
    return head.startswith("format-version:")


def parse_obo(path: Path) -> Ontology:
    """Read the [Term] stanzas of an OBO file; other stanza types are skipped."""
    ontology = Ontology()
    current: str | None = None
    in_term = False
    seen_stanza = False
    for number, line in iter_lines(path):
        if line.startswith("["):
            seen_stanza = True
            in_term = line.strip() == "[Term]"
            current = None
            continue
        if not seen_stanza:
            if line.startswith("data-version:"):
                ontology.version = line.split(":", 1)[1].strip().rsplit("/", 1)[-1]
            continue
        if not in_term or ":" not in line:
            continue
        tag, value = line.split(":", 1)
        value = value.split(" ! ", 1)[0].strip()
        if tag == "id":
            current = value
            ontology.names[current] = ""
            ontology.parents[current] = []
        elif current is None:
            raise AnnotationFormatError("term tag before its id line", path=path, line=number)
        elif tag == "name":
            ontology.names[current] = value
        elif tag == "is_a":
            ontology.parents[current].append(value.split()[0])
        elif tag == "alt_id":
            ontology.alternatives[value] = current
        elif tag == "is_obsolete" and value == "true":
            ontology.obsolete.add(current)
    if not ontology.names:
        raise AnnotationFormatError("no [Term] stanzas found; not an OBO file", path=path)
    return ontology
