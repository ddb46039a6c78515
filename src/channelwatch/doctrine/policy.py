"""Policies as data: loading, checking and hashing the YAML files of the doctrine.

A policy is a versioned file of rules, each with an effect (prohibit, permit, require) on actions,
a condition on the facts, a text and citations of the sources it rests on. The built-in
``safety-of-life`` policy is always in force: every evaluation combines it with the chosen
policy, and a file that tries to switch it off, replace it or override its rules is refused at
load with an error that says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from channelwatch.doctrine.actions import COERCIVE, Action
from channelwatch.doctrine.conditions import Condition, compile_condition
from channelwatch.doctrine.errors import PolicyError, UnknownPolicyError

SAFETY_OF_LIFE = "safety-of-life"
_PACKAGE = "channelwatch.doctrine"
# Keys by which a file might try to switch safety of life off; refused with a clear message.
_DISABLING_KEYS = ("disable", "disables", "replaces", "supersedes", "override", "overrides")


@dataclass(frozen=True, slots=True)
class Source:
    """A document a rule rests on: the instrument, or the public report it is known from."""

    id: str
    document: str
    date: str | None = None
    article: str | None = None
    url: str | None = None
    reported_by: str | None = None
    note: str | None = None

    def citation(self) -> str:
        text = self.document
        if self.date:
            text += f" ({self.date})"
        if self.article:
            text += f", {self.article}"
        if self.reported_by:
            text += f"; as reported by {self.reported_by}"
        if self.url:
            text += f" <{self.url}>"
        return text

    def to_dict(self) -> dict[str, str]:
        out = {"id": self.id, "document": self.document}
        for key in ("date", "article", "url", "reported_by", "note"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class Rule:
    policy: str
    id: str
    effect: str  # "prohibit" | "permit" | "require"
    actions: frozenset[Action]
    when: Condition
    text: str
    cite: tuple[Source, ...]
    if_unknown: str | None = None
    overrides: tuple[str, ...] = ()  # qualified ids "policy:rule"
    when_raw: Any = field(default=None, compare=False)
    _citation: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_citation", "; ".join(s.citation() for s in self.cite))

    @property
    def ref(self) -> str:
        return f"{self.policy}:{self.id}"

    def citation(self) -> str:
        return self._citation

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "effect": self.effect,
            "actions": sorted(a.value for a in self.actions),
            "when": self.when_raw,
            "text": self.text,
            "cite": [s.id for s in self.cite],
            "citation": self.citation(),
        }
        if self.if_unknown:
            out["if_unknown"] = self.if_unknown
        if self.overrides:
            out["overrides"] = list(self.overrides)
        return out


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    version: str
    title: str
    status: str
    effective: str | None
    jurisdiction: str | None
    summary: str | None
    extends: str | None
    always_in_force: bool
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]
    digest: str  # sha256 of the file's bytes
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "status": self.status,
            "effective": self.effective,
            "jurisdiction": self.jurisdiction,
            "summary": self.summary,
            "extends": self.extends,
            "always_in_force": self.always_in_force,
            "sources": [s.to_dict() for s in self.sources],
            "rules": [r.to_dict() for r in self.rules],
            "digest": self.digest,
        }


@cache
def _policy_schema() -> dict[str, Any]:
    text = resources.files(_PACKAGE).joinpath("schemas/policy.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _refuse_disabling(name: str, raw: Mapping[str, Any], builtin: bool) -> None:
    """Refuse, with a message that says so, any attempt to weaken safety of life."""
    pid = raw.get("id")
    if pid == SAFETY_OF_LIFE and not builtin:
        raise PolicyError(
            f"{name}: 'safety-of-life' is built in and always in force; it cannot be replaced"
        )
    if raw.get("extends") == SAFETY_OF_LIFE:
        raise PolicyError(
            f"{name}: a policy cannot extend 'safety-of-life': it is always in force beside it"
        )
    if raw.get("always_in_force") is not None and not builtin:
        raise PolicyError(f"{name}: only the built-in safety-of-life policy is always in force")
    for key in _DISABLING_KEYS:
        value = raw.get(key)
        if value is not None and SAFETY_OF_LIFE in json.dumps(value):
            raise PolicyError(
                f"{name}: '{key}: {value}' tries to switch off safety of life, which no policy "
                "can switch off or override"
            )
    for rule in raw.get("rules") or []:
        if not isinstance(rule, Mapping):
            continue
        for ref in rule.get("overrides") or []:
            if str(ref).startswith(f"{SAFETY_OF_LIFE}:") or ref == SAFETY_OF_LIFE:
                raise PolicyError(
                    f"{name}: rule {rule.get('id')!r} tries to override {ref!r}: no rule can "
                    "override safety of life"
                )


def _validate(name: str, raw: Any) -> None:
    import jsonschema

    if not isinstance(raw, Mapping):
        raise PolicyError(f"{name}: a policy file is a YAML mapping")
    validator = jsonschema.Draft202012Validator(_policy_schema())
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        raise PolicyError(f"{name}: {where}: {err.message}")


def parse_policy(text: bytes, name: str, *, builtin: bool = False) -> Policy:
    """Parse and check one policy file's bytes (``name`` is used in error messages)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{name}: not valid YAML: {exc}") from None
    if isinstance(raw, Mapping):
        _refuse_disabling(name, raw, builtin)
    _validate(name, raw)
    pid = str(raw["id"])
    sources = tuple(Source(**s) for s in raw["sources"])
    by_id = {s.id: s for s in sources}
    if len(by_id) != len(sources):
        raise PolicyError(f"{name}: source ids must be unique")
    rules: list[Rule] = []
    seen: set[str] = set()
    for r in raw["rules"]:
        where = f"{name}: rule {r['id']!r}"
        if r["id"] in seen:
            raise PolicyError(f"{where}: duplicate rule id")
        seen.add(r["id"])
        actions = frozenset(Action(a) for a in r["actions"])
        if r["effect"] == "prohibit" and Action.RESCUE in actions:
            raise PolicyError(f"{where}: rescue can never be prohibited")
        if r["effect"] == "require" and actions & COERCIVE:
            raise PolicyError(f"{where}: no policy may require a coercive action")
        missing = [c for c in r["cite"] if c not in by_id]
        if missing:
            raise PolicyError(f"{where}: cites unknown source {missing[0]!r}")
        overrides = tuple(o if ":" in o else f"{pid}:{o}" for o in r.get("overrides", []))
        if overrides and r["effect"] != "permit":
            raise PolicyError(f"{where}: only a permit rule can override another rule")
        rules.append(
            Rule(
                policy=pid,
                id=r["id"],
                effect=r["effect"],
                actions=actions,
                when=compile_condition(where, r.get("when")),
                text=" ".join(str(r["text"]).split()),
                cite=tuple(by_id[c] for c in r["cite"]),
                if_unknown=" ".join(r["if_unknown"].split()) if r.get("if_unknown") else None,
                overrides=overrides,
                when_raw=r.get("when"),
            )
        )
    effective = raw.get("effective")
    return Policy(
        id=pid,
        version=str(raw["version"]),
        title=str(raw["title"]),
        status=str(raw["status"]),
        effective=None if effective is None else str(effective),
        jurisdiction=raw.get("jurisdiction"),
        summary=" ".join(str(raw["summary"]).split()) if raw.get("summary") else None,
        extends=raw.get("extends"),
        always_in_force=bool(raw.get("always_in_force", False)),
        sources=sources,
        rules=tuple(rules),
        digest=hashlib.sha256(text).hexdigest(),
        path=name,
    )


def load_policy_file(path: Path) -> Policy:
    """Load a user-supplied policy file (never the built-in safety of life)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc.strerror}") from None
    return parse_policy(data, str(path))


@dataclass(frozen=True, slots=True)
class Doctrine:
    """Safety of life together with a chosen policy and the policies it extends."""

    safety: Policy
    chain: tuple[Policy, ...]  # chosen policy first, then what it extends; empty for SoL alone
    # sha256 over the files in force (safety of life and the chosen chain), for Event.policy_hash
    hash: str = field(init=False)
    _rules: tuple[Rule, ...] = field(init=False, repr=False, compare=False)

    @property
    def policy(self) -> Policy:
        return self.chain[0] if self.chain else self.safety

    def __post_init__(self) -> None:
        h = hashlib.sha256()
        in_force = {p.id: p for p in (self.safety, *self.chain)}
        for p in sorted(in_force.values(), key=lambda p: p.id):
            h.update(f"{p.id}\0{p.version}\0{p.digest}\n".encode())
        object.__setattr__(self, "hash", "sha256:" + h.hexdigest())
        object.__setattr__(self, "_rules", tuple(r for p in self.chain for r in p.rules))

    def policy_rules(self) -> tuple[Rule, ...]:
        return self._rules


class Library:
    """The loaded policies: the built-in ones plus any given files; looks them up by id."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self._policies: dict[str, Policy] = {}
        for p in policies:
            if p.id in self._policies:
                raise PolicyError(f"{p.path}: policy id {p.id!r} is already loaded")
            self._policies[p.id] = p
        if SAFETY_OF_LIFE not in self._policies:
            raise PolicyError("the built-in safety-of-life policy is missing")
        for p in self._policies.values():
            self._chain(p)  # checks extends and overrides

    def names(self) -> list[str]:
        return sorted(self._policies)

    def get(self, name: str) -> Policy:
        try:
            return self._policies[name]
        except KeyError:
            raise UnknownPolicyError(
                f"no policy {name!r}; known: {', '.join(self.names())}"
            ) from None

    def _chain(self, policy: Policy) -> tuple[Policy, ...]:
        if policy.id == SAFETY_OF_LIFE:
            return ()
        chain = [policy]
        while chain[-1].extends is not None:
            parent = self._policies.get(chain[-1].extends)
            if parent is None:
                raise PolicyError(f"{chain[-1].path}: extends unknown policy {chain[-1].extends!r}")
            if parent in chain:
                raise PolicyError(f"{policy.path}: policies extend each other in a loop")
            chain.append(parent)
        refs = {r.ref for p in chain for r in p.rules}
        for p in chain:
            for r in p.rules:
                for o in r.overrides:
                    if o not in refs:
                        raise PolicyError(f"{p.path}: rule {r.id!r} overrides unknown rule {o!r}")
        return tuple(chain)

    def doctrine(self, name: str) -> Doctrine:
        """Safety of life with the named policy (``safety-of-life`` alone is allowed)."""
        policy = self.get(name)
        return Doctrine(safety=self._policies[SAFETY_OF_LIFE], chain=self._chain(policy))


def builtin_policies() -> list[Policy]:
    folder = resources.files(_PACKAGE).joinpath("policies")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append(parse_policy(entry.read_bytes(), f"policies/{entry.name}", builtin=True))
    return out


@cache
def default_library() -> Library:
    """The built-in policies (cached)."""
    return Library(builtin_policies())


def load_library(extra: Iterable[Path] = ()) -> Library:
    """The built-in policies plus policy files (or folders of ``*.yaml``) given by the user."""
    files: list[Path] = []
    for path in extra:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    if not files:
        return default_library()
    return Library([*builtin_policies(), *(load_policy_file(f) for f in files)])
