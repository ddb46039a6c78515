"""The doctrine engine: what the doctrine in force says of an action, why, and on what authority.

Safety of life is evaluated with every policy and always wins: its "required" and "prohibited"
cannot be weakened. Then the chosen policy (and those it extends): prohibit, then require, then
permit; a permit rule may override another rule of the policy chain, never one of safety of life.
With no rule on the action, a coercive action is prohibited (coercion needs a provision that
permits it) and any other action is permitted. Rescue is never prohibited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from channelwatch.doctrine.actions import ACTION_ORDER, COERCIVE, Action
from channelwatch.doctrine.conditions import evaluate, unknown_text
from channelwatch.doctrine.errors import DoctrineError
from channelwatch.doctrine.facts import Facts
from channelwatch.doctrine.policy import Doctrine, Policy, Rule

PERMITTED = "permitted"
PROHIBITED = "prohibited"
REQUIRED = "required"


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str  # "policy:rule"
    text: str
    citation: str
    policy: str
    effect: str  # prohibit | permit | require | default | overridden | outweighed
    action: str
    unknown: str | None = None  # what was unknown and how it was taken

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "text": self.text,
            "citation": self.citation,
            "policy": self.policy,
            "effect": self.effect,
            "action": self.action,
            "unknown": self.unknown,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    policy: str
    policy_version: str
    policy_status: str
    policy_hash: str
    action: Action
    verdict: str
    distress_phase: str
    reasons: tuple[Reason, ...]
    required_actions: tuple[Action, ...]
    assumptions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policy_version": self.policy_version,
            "policy_status": self.policy_status,
            "policy_hash": self.policy_hash,
            "action": self.action.value,
            "verdict": self.verdict,
            "distress_phase": self.distress_phase,
            "reasons": [r.to_dict() for r in self.reasons],
            "required_actions": [a.value for a in self.required_actions],
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True, slots=True)
class _Fired:
    rule: Rule
    unknown: str | None


def _fire(rules: Iterable[Rule], facts: Facts, action: Action) -> list[_Fired]:
    """Rules on ``action`` that apply: permit when true; prohibit/require when true or unknown."""
    out = []
    for rule in rules:
        if action not in rule.actions:
            continue
        outcome = evaluate(rule.when, facts.values)
        if outcome.value is True:
            out.append(_Fired(rule, None))
        elif outcome.value is None and rule.effect != "permit":
            said = rule.if_unknown or unknown_text(outcome.unknown)
            extra = [facts.notes[c.fact] for c, _ in outcome.unknown if c.fact in facts.notes]
            out.append(_Fired(rule, "; ".join([said, *dict.fromkeys(extra)])))
    return out


def _reason(f: _Fired, action: Action, effect: str | None = None, prefix: str = "") -> Reason:
    text = prefix + f.rule.text
    if f.unknown:
        text += f" ({f.unknown})"
    return Reason(
        rule=f.rule.ref,
        text=text,
        citation=f.rule.citation(),
        policy=f.rule.policy,
        effect=effect or f.rule.effect,
        action=action.value,
        unknown=f.unknown,
    )


def _default_reason(policy: Policy, action: Action) -> Reason:
    citation = "; ".join(s.citation() for s in policy.sources)
    if action in COERCIVE:
        text = (
            f"No provision of {policy.id} permits {action.value}: a coercive action needs a "
            "provision that permits it."
        )
        effect_verdict = "prohibited"
    else:
        text = f"No provision of {policy.id} restricts {action.value}."
        effect_verdict = "permitted"
    return Reason(
        rule=f"{policy.id}:default-{effect_verdict}",
        text=text,
        citation=citation,
        policy=policy.id,
        effect="default",
        action=action.value,
    )


def _decide(doctrine: Doctrine, facts: Facts, action: Action) -> tuple[str, list[Reason]]:
    sol = _fire(doctrine.safety.rules, facts, action)
    sol_require = [f for f in sol if f.rule.effect == "require"]
    sol_prohibit = [f for f in sol if f.rule.effect == "prohibit"]
    sol_permit = [f for f in sol if f.rule.effect == "permit"]

    fired = _fire(doctrine.policy_rules(), facts, action)
    overridden = {ref for f in fired if f.rule.effect == "permit" for ref in f.rule.overrides}
    active = [f for f in fired if f.rule.ref not in overridden]
    shadowed = [f for f in fired if f.rule.ref in overridden]
    prohibit = [f for f in active if f.rule.effect == "prohibit"]
    require = [f for f in active if f.rule.effect == "require"]
    permit = [f for f in active if f.rule.effect == "permit"]

    reasons: list[Reason] = []
    if sol_require:
        verdict = REQUIRED
        reasons += [_reason(f, action) for f in sol_require]
        reasons += [
            _reason(f, action, "outweighed", "Outweighed by safety of life: ") for f in prohibit
        ]
        reasons += [_reason(f, action) for f in require + permit]
    elif sol_prohibit:
        verdict = PROHIBITED
        reasons += [_reason(f, action) for f in sol_prohibit]
        reasons += [_reason(f, action) for f in prohibit]
        reasons += [
            _reason(f, action, "outweighed", "Outweighed by safety of life: ")
            for f in require + permit
        ]
    elif prohibit:
        verdict = PROHIBITED
        reasons += [_reason(f, action) for f in prohibit]
        reasons += [
            _reason(f, action, "outweighed", "Outweighed by a prohibition: ") for f in permit
        ]
    elif require:
        verdict = REQUIRED
        reasons += [_reason(f, action) for f in require + permit]
    elif permit:
        verdict = PERMITTED
        reasons += [_reason(f, action) for f in permit]
    else:
        default = _default_reason(doctrine.policy, action)
        verdict = PROHIBITED if action in COERCIVE else PERMITTED
        reasons.append(default)
    reasons += [_reason(f, action) for f in sol_permit if verdict == PERMITTED]
    reasons += [_reason(f, action, "overridden", "Overridden: ") for f in shadowed]

    if action is Action.RESCUE and verdict == PROHIBITED:  # guarded at load; never reached
        raise DoctrineError("internal error: rescue came out prohibited")
    return verdict, reasons


def evaluate_action(doctrine: Doctrine, facts: Facts, action: Action) -> Verdict:
    """The verdict of the doctrine in force on one proposed action."""
    verdicts = {a: _decide(doctrine, facts, a) for a in ACTION_ORDER}
    return _verdict(doctrine, facts, action, verdicts)


def evaluate_all(doctrine: Doctrine, facts: Facts) -> dict[Action, Verdict]:
    """The verdicts on every action (what the officer may, may not and must do)."""
    verdicts = {a: _decide(doctrine, facts, a) for a in ACTION_ORDER}
    return {a: _verdict(doctrine, facts, a, verdicts) for a in ACTION_ORDER}


def _verdict(
    doctrine: Doctrine,
    facts: Facts,
    action: Action,
    verdicts: Mapping[Action, tuple[str, list[Reason]]],
) -> Verdict:
    verdict, reasons = verdicts[action]
    required = tuple(a for a in ACTION_ORDER if verdicts[a][0] == REQUIRED)
    # Why the other required actions are required belongs in front of the officer too.
    for a in required:
        if a is not action:
            reasons = reasons + [r for r in verdicts[a][1] if r.effect == "require"]
    policy = doctrine.policy
    phase = facts["distress_phase"]
    return Verdict(
        policy=policy.id,
        policy_version=policy.version,
        policy_status=policy.status,
        policy_hash=doctrine.hash,
        action=action,
        verdict=verdict,
        distress_phase=str(phase) if phase is not None else "none",
        reasons=tuple(reasons),
        required_actions=required,
        assumptions=tuple(facts.notes.values()),
    )
