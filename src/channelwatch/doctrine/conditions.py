"""Declarative conditions over a situation's facts, evaluated in three-valued logic.

A condition is a mapping of fact names to expected values (all must hold), with ``any``, ``all``
and ``not`` to combine, and ``{in: [...]}``, ``{lt: x}``, ``{le: x}``, ``{gt: x}``, ``{ge: x}``
as comparisons. A fact whose value is ``None`` is unknown: comparisons on it are unknown, and
unknowns combine as in Kleene's logic. The engine then takes the safe side: a ``permit`` rule
applies only when its condition is true; a ``prohibit`` or ``require`` rule also applies when
it is unknown, and its reason says what was unknown and how it was taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from channelwatch.doctrine.errors import PolicyError

Tri = bool | None
FactValue = bool | int | float | str | None
Kind = Literal["bool", "number", "enum"]


@dataclass(frozen=True, slots=True)
class FactSpec:
    kind: Kind
    label: str
    values: tuple[str, ...] = ()


def _enum(label: str, *values: str) -> FactSpec:
    return FactSpec("enum", label, values)


FACTS: Mapping[str, FactSpec] = {
    "distress_phase": _enum("distress phase", "none", "uncertainty", "alert", "distress"),
    "occupancy": _enum("occupancy", "empty", "occupied"),
    "boarding": _enum("boarding state", "empty", "boarding", "loaded"),
    "persons_aboard": FactSpec("number", "number aboard"),
    "boat_kind": _enum("boat kind", "inflatable", "rib", "rigid", "kayak", "other"),
    "length_m": FactSpec("number", "boat length"),
    "children_aboard": FactSpec("bool", "children aboard"),
    "pregnant_aboard": FactSpec("bool", "pregnant women aboard"),
    "medical_emergency": FactSpec("bool", "medical emergency"),
    "deceased_aboard": FactSpec("bool", "deceased aboard"),
    "person_in_water": FactSpec("bool", "people in the water"),
    "taking_water": FactSpec("bool", "taking water"),
    "engine": _enum("engine state", "running", "failed"),
    "lifejackets": _enum("lifejackets", "all", "some", "none"),
    "wind_kn": FactSpec("number", "wind"),
    "wave_m": FactSpec("number", "wave height"),
    "water_temp_c": FactSpec("number", "water temperature"),
    "visibility_km": FactSpec("number", "visibility"),
    "request_for_assistance": FactSpec("bool", "request for assistance"),
    "daylight": FactSpec("bool", "daylight"),
    "sun_elevation_deg": FactSpec("number", "sun elevation"),
    "at_sea": FactSpec("bool", "at sea"),
    "on_land": FactSpec("bool", "on land"),
    "distance_to_coast_m": FactSpec("number", "distance to the coast"),
    "coast_country": _enum("nearest coast", "FR", "GB", "BE"),
    "in_strip_200m": FactSpec("bool", "within 200 m of the coast"),
    "in_strip_300m": FactSpec("bool", "within 300 m of the coast"),
    "territorial_sea": _enum("territorial sea", "FR", "GB", "BE", "none"),
    "sar_region": _enum("SAR region", "FR", "GB"),
}

_OPS = {"in", "lt", "le", "gt", "ge"}
_OP_TEXT = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


@dataclass(frozen=True, slots=True)
class Compare:
    fact: str
    op: str  # "eq", "in", "lt", "le", "gt", "ge"
    value: Any

    def evaluate(self, facts: Mapping[str, FactValue]) -> Tri:
        actual = facts.get(self.fact)
        if actual is None:
            return None
        if self.op == "eq":
            return bool(actual == self.value)
        if self.op == "in":
            return actual in self.value
        a, v = float(actual), float(self.value)
        return {"lt": a < v, "le": a <= v, "gt": a > v, "ge": a >= v}[self.op]

    def describe(self, negated: bool = False) -> str:
        if self.op == "eq":
            value = self.value
            if isinstance(value, bool):
                value = "yes" if value != negated else "no"
                return str(value)
            return f"{'not ' if negated else ''}{value}"
        if self.op == "in":
            items = ", ".join(str(v) for v in self.value)
            return f"{'none' if negated else 'one'} of {items}"
        text = f"{_OP_TEXT[self.op]} {self.value:g}"
        return f"not {text}" if negated else text


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition


Condition = Compare | All | AnyOf | Not
ALWAYS: Condition = All(())


@dataclass(frozen=True, slots=True)
class Outcome:
    """A condition's value and, when unknown, the comparisons that were unknown."""

    value: Tri
    unknown: tuple[tuple[Compare, bool], ...] = ()  # (comparison, under a negation)


def evaluate(cond: Condition, facts: Mapping[str, FactValue], negated: bool = False) -> Outcome:
    """Kleene three-valued evaluation of ``cond`` on ``facts``."""
    if isinstance(cond, Compare):
        value = cond.evaluate(facts)
        return Outcome(value, ((cond, negated),) if value is None else ())
    if isinstance(cond, Not):
        inner = evaluate(cond.part, facts, not negated)
        return Outcome(None if inner.value is None else not inner.value, inner.unknown)
    outcomes = [evaluate(p, facts, negated) for p in cond.parts]
    decisive = not isinstance(cond, All)  # a false part decides All, a true one AnyOf
    if any(o.value is decisive for o in outcomes):
        return Outcome(decisive)
    unknown = tuple(u for o in outcomes if o.value is None for u in o.unknown)
    return Outcome(None if unknown else not decisive, unknown)


def facts_of(cond: Condition) -> set[str]:
    """The fact names a condition reads."""
    if isinstance(cond, Compare):
        return {cond.fact}
    if isinstance(cond, Not):
        return facts_of(cond.part)
    return set().union(*(facts_of(p) for p in cond.parts)) if cond.parts else set()


def _check_value(where: str, fact: str, spec: FactSpec, value: Any, op: str) -> None:
    if spec.kind == "bool":
        if op != "eq" or not isinstance(value, bool):
            raise PolicyError(f"{where}: fact {fact!r} is true/false, got {op} {value!r}")
    elif spec.kind == "number":
        if op == "in" or isinstance(value, bool) or not isinstance(value, int | float):
            raise PolicyError(f"{where}: fact {fact!r} takes a number comparison, got {value!r}")
    else:
        if op in ("lt", "le", "gt", "ge"):
            raise PolicyError(f"{where}: fact {fact!r} is not a number: {op} is not allowed")
        values = value if op == "in" else [value]
        bad = [v for v in values if v not in spec.values]
        if bad:
            raise PolicyError(
                f"{where}: fact {fact!r} has no value {bad[0]!r} (one of {', '.join(spec.values)})"
            )


def _compare(where: str, fact: str, expected: Any) -> Compare:
    spec = FACTS.get(fact)
    if spec is None:
        raise PolicyError(f"{where}: unknown fact {fact!r} (known: {', '.join(sorted(FACTS))})")
    if isinstance(expected, Mapping):
        if len(expected) != 1 or next(iter(expected)) not in _OPS:
            raise PolicyError(
                f"{where}: fact {fact!r} needs one of {sorted(_OPS)} or a value, got {expected!r}"
            )
        op, value = next(iter(expected.items()))
        if op == "in":
            if not isinstance(value, Sequence) or isinstance(value, str) or not value:
                raise PolicyError(f"{where}: 'in' needs a non-empty list, got {value!r}")
            value = tuple(value)
        _check_value(where, fact, spec, value, op)
        return Compare(fact, op, value)
    _check_value(where, fact, spec, expected, "eq")
    return Compare(fact, "eq", expected)


def compile_condition(where: str, raw: Any) -> Condition:
    """Compile a condition from its YAML form; errors name the rule (``where``) and the fact."""
    if raw is None:
        return ALWAYS
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        return All(tuple(compile_condition(where, r) for r in raw))
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: a condition is a mapping of facts, got {raw!r}")
    parts: list[Condition] = []
    for key, value in raw.items():
        if key == "not":
            parts.append(Not(compile_condition(where, value)))
        elif key in ("any", "all"):
            if not isinstance(value, Sequence) or isinstance(value, str) or not value:
                raise PolicyError(f"{where}: {key!r} needs a non-empty list of conditions")
            subs = tuple(compile_condition(where, v) for v in value)
            parts.append(AnyOf(subs) if key == "any" else All(subs))
        else:
            parts.append(_compare(where, str(key), value))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def unknown_text(unknown: Sequence[tuple[Compare, bool]]) -> str:
    """'number aboard unknown, taken as ≥ 3; ...' for the unknown comparisons."""
    seen: dict[str, str] = {}
    for cmp, negated in unknown:
        seen.setdefault(
            cmp.fact, f"{FACTS[cmp.fact].label} unknown, taken as {cmp.describe(negated)}"
        )
    return "; ".join(seen.values())
