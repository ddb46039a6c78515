"""Loading policy files: what is refused, and the hash of the doctrine in force."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from channelwatch.doctrine import (
    SAFETY_OF_LIFE,
    Library,
    PolicyError,
    UnknownPolicyError,
    default_library,
    load_library,
    schema,
)
from channelwatch.doctrine.policy import builtin_policies, parse_policy
from channelwatch.errors import InputError

GOOD = """
id: local-test
version: "1.0.0"
title: A local policy
status: position
sources:
  - id: src
    document: A document
    date: "2025-01-01"
rules:
  - id: escort-ok
    effect: permit
    actions: [escort]
    text: Escort is fine.
    cite: [src]
"""


def _with(**changes: object) -> bytes:
    doc = yaml.safe_load(GOOD)
    doc.update(changes)
    return yaml.safe_dump(doc).encode()


def _rule(**changes: object) -> bytes:
    doc = yaml.safe_load(GOOD)
    doc["rules"][0].update(changes)
    return yaml.safe_dump(doc).encode()


def test_builtin_policies_load_and_match_the_policy_schema() -> None:
    validator = jsonschema.Draft202012Validator(schema("policy"))
    lib = default_library()
    assert lib.names() == [
        "alliance-2025-position",
        "fr-2022-11",
        "fr-2023-03-taxi-boats",
        "fr-2025-11-framework",
        SAFETY_OF_LIFE,
    ]
    folder = Path(__file__).resolve().parents[2] / "src/channelwatch/doctrine/policies"
    for path in folder.glob("*.yaml"):
        validator.validate(yaml.safe_load(path.read_text()))
    sol = lib.get(SAFETY_OF_LIFE)
    assert sol.always_in_force and sol.status == "in force"
    for name in lib.names():
        p = lib.get(name)
        assert p.sources and all(r.cite for r in p.rules)


def test_french_directives_and_union_are_marked_as_reported_or_position() -> None:
    lib = default_library()
    for name in ("fr-2022-11", "fr-2023-03-taxi-boats", "fr-2025-11-framework"):
        p = lib.get(name)
        assert p.status == "as reported"
        assert all(s.reported_by for s in p.sources if "UNCLOS" not in s.document)
    assert lib.get("alliance-2025-position").status == "position"


def test_citations_name_the_real_instruments() -> None:
    cites = {r.id: r.citation() for r in default_library().get(SAFETY_OF_LIFE).rules}
    assert "UNCLOS" in cites["distress-rescue-required"]
    assert "Art. 98(1)" in cites["distress-rescue-required"]
    assert "Ch. V Reg. 33.1" in cites["distress-rescue-required"]
    assert "Annex 2.1.10" in cites["distress-rescue-required"]
    assert "MSC/Circ.896/Rev.1" in cites["no-coercion-with-passengers"]
    assert "para. 7" in cites["no-coercion-with-passengers"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_with(id="safety-of-life"), "cannot be replaced"),
        (_with(extends="safety-of-life"), "cannot extend 'safety-of-life'"),
        (_with(disables=["safety-of-life"]), "switch off safety of life"),
        (_with(overrides=["safety-of-life:no-coercion-with-passengers"]), "switch off"),
        (_with(always_in_force=False), "only the built-in safety-of-life"),
        (
            _rule(overrides=["safety-of-life:no-coercion-with-passengers"]),
            "no rule can override safety of life",
        ),
    ],
)
def test_a_policy_trying_to_weaken_safety_of_life_is_refused(text: bytes, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as err:
        parse_policy(text, "rogue.yaml")
    assert "rogue.yaml" in str(err.value)
    assert isinstance(err.value, InputError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_rule(effect="prohibit", actions=["rescue"]), "rescue can never be prohibited"),
        (_rule(effect="require", actions=["tow"]), "no policy may require a coercive action"),
        (_rule(when={"moon_phase": "full"}), "unknown fact 'moon_phase'"),
        (_rule(when={"boarding": "half"}), "no value 'half'"),
        (_rule(when={"persons_aboard": "many"}), "takes a number"),
        (_rule(when={"daylight": {"lt": 3}}), "true/false"),
        (_rule(when={"occupancy": {"ge": 1}}), "not a number"),
        (_rule(cite=["nowhere"]), "unknown source 'nowhere'"),
        (_rule(effect="wave"), "rules/0/effect"),
        (_rule(overrides=["escort-ok"], effect="prohibit"), "only a permit rule"),
        (_with(status="rumour"), "status"),
        (b"id: [unclosed", "not valid YAML"),
    ],
)
def test_malformed_policies_are_refused_with_the_field_named(text: bytes, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(text, "bad.yaml")


def test_unknown_extends_and_override_targets_are_refused() -> None:
    with pytest.raises(PolicyError, match="extends unknown policy"):
        Library([*builtin_policies(), parse_policy(_with(extends="fr-1999"), "x.yaml")])
    with pytest.raises(PolicyError, match="overrides unknown rule"):
        Library([*builtin_policies(), parse_policy(_rule(overrides=["nope"]), "x.yaml")])


def test_user_policy_files_load_beside_the_builtin_ones(tmp_path: Path) -> None:
    (tmp_path / "local.yaml").write_bytes(GOOD.encode())
    lib = load_library([tmp_path])
    assert "local-test" in lib.names()
    with pytest.raises(PolicyError, match="already loaded"):
        load_library([tmp_path, tmp_path / "local.yaml"])
    (tmp_path / "sol.yaml").write_bytes(_with(id="safety-of-life"))
    with pytest.raises(PolicyError, match="cannot be replaced"):
        load_library([tmp_path])


def test_unknown_policy_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyError, match="fr-2022-11"):
        default_library().doctrine("fr-2099")


def test_doctrine_hash_covers_safety_of_life_and_the_chain() -> None:
    lib = default_library()
    hashes = {name: lib.doctrine(name).hash for name in lib.names()}
    assert len(set(hashes.values())) == len(hashes)
    assert all(h.startswith("sha256:") and len(h) == 71 for h in hashes.values())
    assert lib.doctrine("fr-2022-11").hash == default_library().doctrine("fr-2022-11").hash
    # Any change to a file in force changes the hash, even one byte of a comment.
    changed = [
        parse_policy(b"# edited\n" + _raw(p.id), p.path, builtin=True)
        if p.id == "fr-2022-11"
        else p
        for p in builtin_policies()
    ]
    assert (
        Library(changed).doctrine("fr-2023-03-taxi-boats").hash != hashes["fr-2023-03-taxi-boats"]
    )
    assert Library(changed).doctrine("fr-2025-11-framework").hash != hashes["fr-2025-11-framework"]
    assert (
        Library(changed).doctrine("alliance-2025-position").hash == hashes["alliance-2025-position"]
    )


def _raw(pid: str) -> bytes:
    folder = Path(__file__).resolve().parents[2] / "src/channelwatch/doctrine/policies"
    return (folder / f"{pid}.yaml").read_bytes()
