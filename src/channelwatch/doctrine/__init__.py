"""The doctrine engine: versioned, cited policies as data; safety of life always in force.

``advise(situation, "fr-2025-11-framework")`` locates and assesses the boat and evaluates the
proposed action; ``default_library()`` holds the built-in policies. See docs/doctrine.md.
"""

from channelwatch.doctrine.actions import COERCIVE, Action
from channelwatch.doctrine.advise import Advice, advise, assess_situation
from channelwatch.doctrine.engine import (
    PERMITTED,
    PROHIBITED,
    REQUIRED,
    Reason,
    Verdict,
    evaluate_action,
    evaluate_all,
)
from channelwatch.doctrine.errors import (
    DoctrineError,
    PolicyError,
    SituationError,
    UnknownPolicyError,
)
from channelwatch.doctrine.facts import Facts, build_facts
from channelwatch.doctrine.policy import (
    SAFETY_OF_LIFE,
    Doctrine,
    Library,
    Policy,
    Rule,
    Source,
    default_library,
    load_library,
)
from channelwatch.doctrine.record import (
    Decision,
    record_advice_shown,
    record_assessment,
    record_decision,
    record_verdict,
)
from channelwatch.doctrine.situation import Situation, load_situation, parse_situation, schema

__all__ = [
    "COERCIVE",
    "PERMITTED",
    "PROHIBITED",
    "REQUIRED",
    "SAFETY_OF_LIFE",
    "Action",
    "Advice",
    "Decision",
    "Doctrine",
    "DoctrineError",
    "Facts",
    "Library",
    "Policy",
    "PolicyError",
    "Reason",
    "Rule",
    "Situation",
    "SituationError",
    "Source",
    "UnknownPolicyError",
    "Verdict",
    "advise",
    "assess_situation",
    "build_facts",
    "default_library",
    "evaluate_action",
    "evaluate_all",
    "load_library",
    "load_situation",
    "parse_situation",
    "record_advice_shown",
    "record_assessment",
    "record_decision",
    "record_verdict",
    "schema",
]
