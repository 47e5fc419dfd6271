"""Read the YAML seed files and check their shape before anything is built.

Every file under ``seeds/`` (and ``seeds/sources/``) is a mapping whose top-level keys are
sections (``institutes:``, ``sources:``, ``plan:``, ...). This module checks each record against
its section's field table in :mod:`mfgkg.data.registry` and reports the first problem as a
:class:`SeedError` that names file, entity and field. References between records are checked
later, by :mod:`mfgkg.data.builder`, once every file is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mfgkg.data.namespaces import SLUG
from mfgkg.data.registry import BASES, BY_SECTION, RANKS, Field
from mfgkg.errors import SeedError

MAX_VALUES = 1_000_000  # values in one seed file once aliases are expanded; the largest real file has about 2,400
MAX_AMOUNT = 10**15  # a quadrillion dollars: above any real figure, below float and int-to-text limits
IRI_UNSAFE = re.compile(r'[\s<>"{}|\\^`]')


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loading (libyaml's, six times faster, where PyYAML has it) that refuses a key
    given twice in one mapping instead of silently keeping the last value."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CLAIM_KEYS = {"value", "cite", "rank", "reason", "basis", "rationale", "note"}


# section: (id field or None for records without ids, field table), from the registry.
SECTIONS: dict[str, tuple[str | None, dict[str, Field]]] = {
    name: (entity_type.id_field, entity_type.fields) for name, entity_type in BY_SECTION.items()}


@dataclass
class Record:
    """One seed record: its section, the file it came from, and its checked fields."""

    section: str
    file: str
    data: dict[str, Any]

    @property
    def name(self) -> str:
        """A human name for error messages: the id, code or number, else the section."""
        for key in ("id", "code", "number", "metric", "agency", "from"):
            if key in self.data:
                return str(self.data[key])
        return self.section


@dataclass
class Seeds:
    """All seed records, grouped by section, plus the gaps editors recorded."""

    root: Path
    records: dict[str, list[Record]] = field(default_factory=dict)
    gaps: list[tuple[str, str]] = field(default_factory=list)

    def section(self, name: str) -> list[Record]:
        """Records of one section, in file order (files sorted by path)."""
        return self.records.get(name, [])


def seed_files(root: Path) -> list[Path]:
    """The YAML files that make up the seeds, in a fixed order."""
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def load(root: Path) -> Seeds:
    """Read and check every seed file under ``root``. Raises :class:`SeedError`."""
    root = Path(root)
    if not root.is_dir():
        raise SeedError(str(root), "seed directory not found")
    seeds = Seeds(root)
    seen: dict[tuple[str, str], str] = {}
    for path in seed_files(root):
        rel = path.relative_to(root.parent).as_posix()
        for record in _read_file(path, rel, seeds):
            idf = SECTIONS[record.section][0]
            if idf:
                kind = "plan" if record.section in ("plan", "strategy") else record.section
                key = (kind, str(record.data[idf]))
                if key in seen:
                    raise SeedError(rel, f"duplicate id (also in {seen[key]})",
                                    entity=key[1], field=idf)
                seen[key] = rel
            seeds.records.setdefault(record.section, []).append(record)
    return seeds


def _check_expansion(doc: Any, rel: str) -> None:
    """Refuse a document whose aliases expand to more than MAX_VALUES values, or refer to themselves.

    YAML aliases share one object, so loading a "billion laughs" file is cheap but every later
    walk over it is not. Sizes are counted once per shared object, so this check is quick.
    """
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, (dict, list)):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in open_ids:
            raise SeedError(rel, "malformed YAML: an alias refers to the structure that contains it")
        open_ids.add(key)
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_VALUES:
                raise SeedError(rel, f"malformed YAML: aliases expand to more than {MAX_VALUES:,} values")
        open_ids.discard(key)
        sizes[key] = total
        return total

    try:
        size(doc)
    except RecursionError:
        raise SeedError(rel, "malformed YAML: nested too deeply") from None


def _read_file(path: Path, rel: str, seeds: Seeds) -> Iterator[Record]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SeedError(rel, f"malformed YAML{where}: {problem}") from None
    except UnicodeDecodeError:
        raise SeedError(rel, "not UTF-8 text") from None
    except RecursionError:
        raise SeedError(rel, "malformed YAML: nested too deeply") from None
    except ValueError as exc:  # an unquoted date that is none (2023-02-30), an integer of thousands of digits
        problem = str(exc).split(";")[0]
        raise SeedError(rel, f"malformed YAML: a value cannot be read ({problem}); quote it if it is text") from None
    if doc is None:
        return
    _check_expansion(doc, rel)
    if not isinstance(doc, dict):
        raise SeedError(rel, "top level must be a mapping of sections")
    for section, body in doc.items():
        if section not in SECTIONS:
            raise SeedError(rel, f"unknown section '{section}' (known: {', '.join(sorted(SECTIONS))})")
        if section == "gaps":
            if not isinstance(body, list) or not all(isinstance(g, str) for g in body):
                raise SeedError(rel, "gaps must be a list of strings", field="gaps")
            seeds.gaps.extend((rel, g) for g in body)
            continue
        items = [body] if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise SeedError(rel, f"section '{section}' must be a list of records")
        idf, spec = SECTIONS[section]
        for i, item in enumerate(items):
            yield Record(section, rel, check_mapping(item, spec, rel, _record_label(section, i, item, idf)))


def _record_label(section: str, index: int, item: Any, idf: str | None) -> str:
    """How an error names a record: its id, else its identifying fields, else its position."""
    if not isinstance(item, dict):
        return f"{section}[{index}]"
    if idf and isinstance(item.get(idf), (str, int)):
        return str(item[idf])
    for keys, fmt in ((("metric", "fiscal_year"), "{} FY{}"), (("agency", "role"), "{} as {}"),
                      (("from", "to"), "{} -> {}")):
        if all(isinstance(item.get(k), (str, int)) for k in keys):
            return fmt.format(*(item[k] for k in keys))
    return f"{section}[{index}]"


def check_mapping(item: Any, spec: dict[str, Field], file: str, entity: str) -> dict[str, Any]:
    """Check a mapping against ``spec``: no unknown keys, required keys present, types right."""
    if not isinstance(item, dict):
        raise SeedError(file, "must be a mapping", entity=entity)
    for key in item:
        if key not in spec:
            raise SeedError(file, f"unknown field (allowed: {', '.join(spec)})", entity=entity,
                            field=str(key))
    out: dict[str, Any] = {}
    for key, fspec in spec.items():
        if key not in item or item[key] is None or item[key] == []:
            if fspec.required:
                raise SeedError(file, "required field is missing", entity=entity, field=key)
            continue
        out[key] = check_value(item[key], fspec, file, entity, key)
    for cite in out.get("cite", []):
        for name in cite.get("for", ()):
            if name not in spec or spec[name].kind == "cite":
                raise SeedError(file, f"citation of '{cite['src']}' is 'for' '{name}', which is not a field here",
                                entity=entity, field="cite")
    return out


def is_claim_list(value: Any) -> bool:
    """True when a field is written as a list of claims (mappings with a ``value`` key)."""
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, dict) and "value" in v for v in value)


def check_value(value: Any, spec: Field, file: str, entity: str, key: str) -> Any:
    """Check one field value; claim lists are checked claim by claim."""
    if spec.claimable and is_claim_list(value):
        claims = []
        for claim in value:
            extra = set(claim) - CLAIM_KEYS
            if extra:
                raise SeedError(file, f"unknown claim key '{sorted(extra)[0]}'", entity=entity, field=key)
            checked = dict(claim)
            scalar = Field({"strs": "str", "slugs": "slug"}.get(spec.kind, spec.kind), sub=spec.sub,
                           choices=spec.choices)
            checked["value"] = _check_plain(claim["value"], scalar, file, entity, key)
            if "cite" in claim:
                checked["cite"] = check_cites(claim["cite"], file, entity, key)
            if claim.get("rank", "normal") not in RANKS:
                raise SeedError(file, f"rank must be one of {sorted(RANKS)}", entity=entity, field=key)
            if claim.get("basis", "stated") not in BASES:
                raise SeedError(file, f"basis must be one of {sorted(BASES)}", entity=entity, field=key)
            claims.append(checked)
        return claims
    return _check_plain(value, spec, file, entity, key)


def _check_plain(value: Any, spec: Field, file: str, entity: str, key: str) -> Any:
    def bad(expected: str) -> SeedError:
        return SeedError(file, f"expected {expected}, got {type(value).__name__} {value!r}",
                         entity=entity, field=key)

    kind = spec.kind
    if kind in ("str", "text"):
        if not isinstance(value, str) or not value.strip():
            raise bad("a non-empty string")
        if spec.choices and value not in spec.choices:
            raise SeedError(file, f"'{value}' is not one of {sorted(spec.choices)}", entity=entity, field=key)
        return " ".join(value.split()) if kind == "text" else value.strip()
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind in ("int", "year"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        if kind == "year" and not 1800 <= value <= 2100:
            raise SeedError(file, f"year {value} out of range 1800-2100", entity=entity, field=key)
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < MAX_AMOUNT:
            raise bad(f"a finite non-negative number below {MAX_AMOUNT:.0e}")
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            raise bad("a date without a time")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not DATE.match(value):
            raise bad("a date YYYY, YYYY-MM or YYYY-MM-DD")
        return value
    if kind == "slug":
        if not isinstance(value, str) or not SLUG.match(value):
            raise bad("an id of lowercase letters, digits and hyphens")
        return value
    if kind == "url":
        if not isinstance(value, str) or not re.match(r"^https?://[^/]", value) or IRI_UNSAFE.search(value):
            raise bad("an http(s) URL without spaces or any of <>\"{}|\\^`")
        return value
    if kind in ("strs", "slugs"):
        items = value if isinstance(value, list) else [value]
        inner = Field("str" if kind == "strs" else "slug", choices=spec.choices)
        return [_check_plain(v, inner, file, entity, key) for v in items]
    if kind == "cite":
        return check_cites(value, file, entity, key)
    if kind == "map":
        assert spec.sub is not None
        return check_mapping(value, spec.sub, file, entity)
    if kind == "list":
        assert spec.sub is not None
        if not isinstance(value, list):
            raise bad("a list")
        out = []
        for i, v in enumerate(value):
            sub_entity = f"{entity}/{key}[{i}]"
            if isinstance(v, dict) and "number" in v:
                v = {**v, "number": str(v["number"])}
                sub_entity = f"{entity}/{key} {v['number']}"
            out.append(check_mapping(v, spec.sub, file, sub_entity))
        return out
    raise AssertionError(f"unknown field kind {kind}")


def check_cites(value: Any, file: str, entity: str, key: str) -> list[dict[str, Any]]:
    """Normalise citations to ``[{"src": id, "at": locator?, "for": (field, ...)?}]``.

    ``for`` names the fields of the record the source states; a record citation without it
    backs every field no citation names (and says so: its claims are record-scoped).
    """
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str) and SLUG.match(item):
            out.append({"src": item})
        elif isinstance(item, dict) and isinstance(item.get("src"), str) and set(item) <= {"src", "at", "for"}:
            cite: dict[str, Any] = {"src": item["src"]}
            if item.get("at") is not None:
                cite["at"] = " ".join(str(item["at"]).split())
            if "for" in item:
                names = item["for"] if isinstance(item["for"], list) else [item["for"]]
                if not names or not all(isinstance(n, str) for n in names):
                    raise SeedError(file, f"citation of '{item['src']}': 'for' must list field names",
                                    entity=entity, field=key)
                cite["for"] = tuple(names)
            out.append(cite)
        else:
            raise SeedError(file, f"bad citation {item!r}: use a source id or {{src: id, at: locator, for: [fields]}}",
                            entity=entity, field=key)
    return out


def truthy_values(value: Any) -> list[Any]:
    """A list field's values: as written, or, when written as claims, the preferred ones (else every
    normal one), as the graph asserts them."""
    if is_claim_list(value):
        preferred = [c["value"] for c in value if c.get("rank") == "preferred"]
        return preferred or [c["value"] for c in value if c.get("rank", "normal") == "normal"]
    return list(value or [])


def truthy(value: Any) -> Any:
    """A field's value, or the value of its preferred (else first) claim when it is written as claims."""
    if isinstance(value, list) and value and isinstance(value[0], dict) and "value" in value[0]:
        preferred = [c for c in value if c.get("rank") == "preferred"] or value
        return preferred[0]["value"]
    return value
