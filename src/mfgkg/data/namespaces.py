"""Namespaces and IRI minting: every entity gets a stable IRI from a readable slug."""

from __future__ import annotations

import hashlib
import re

from rdflib import Namespace

from mfgkg.prefixes import BASE, PREFIXES

MFG = Namespace(PREFIXES["mfg"])
ID = Namespace(PREFIXES["id"])
VOCAB = Namespace(PREFIXES["v"])
SH_NS = Namespace(BASE + "shapes#")
SCHEMA = Namespace(PREFIXES["schema"])
QB = Namespace(PREFIXES["qb"])

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Turn a name into a slug: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def entity(kind: str, *parts: str) -> str:
    """IRI of an entity of ``kind`` named by slug ``parts`` (``entity("institute", "lift")``)."""
    return str(ID) + "/".join((kind, *parts))


def digest(*parts: object) -> str:
    """A short stable hash of ``parts``, for IRIs of nodes that have no natural name."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def vocab(scheme: str, value: str) -> str:
    """IRI of a controlled-vocabulary concept (``vocab("rank", "preferred")``)."""
    return f"{VOCAB}{scheme}-{value}"
