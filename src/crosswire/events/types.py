"""The event taxonomies crosswire codes to, and the mappings between them.

Three label sets meet here:

* **ACLED**: 6 event types, 25 sub-event types (ACLED codebook, 2019+ edition).
* **CASE 2021 Task 2** (``shared/bench/events/README.md``): 25 short codes, one per ACLED sub-event
  type (subtask 1), plus ORG_CRIME, NATURAL_DISASTER, MAN_MADE_DISASTER (subtask 2: 28 labels)
  plus DIPLO, ATTRIB (subtask 3: 30 labels). The five extra labels have no ACLED sub-event type.
* **PLOVER** root event types with their quad class (verbal/material cooperation/conflict) and,
  where the codebook defines them, modes. The PLV data (Zero-Shot-PLOVER) uses ``YIELD`` for what
  PLOVER 2018+ splits into CONCEDE and RETREAT; both spellings are kept. The older v0.5b1 names
  of the PLOVER gold-standard records (DEMAND, DISAPPROVE, FIGHT, INVESTIGATE) are mapped to the
  current roots by ``PLOVER_V05_TO_ROOT`` (our mapping, documented in docs/BENCHMARKS_events.md).

Every mapping here is a documented judgement, not data: ACLED and PLOVER do not publish a
crosswalk. Where no sensible mapping exists the value is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "ACLED_TYPES",
    "ACLED_SUB_EVENT_TYPES",
    "CASE_LABELS",
    "CASE_SUBTASK_LABELS",
    "CaseLabel",
    "CASE_TAXONOMY",
    "Quad",
    "PLOVER_ROOTS",
    "PLOVER_QUAD",
    "PLOVER_MODES",
    "PLOVER_V05_TO_ROOT",
    "quad_of",
    "binary_of",
]

# --- ACLED --------------------------------------------------------------------------------------

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"

#: ACLED event type -> its sub-event types, in codebook order.
ACLED_TYPES: dict[str, tuple[str, ...]] = {
    BATTLES: ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    EXPLOSIONS: (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    VIOLENCE_CIVILIANS: ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    PROTESTS: ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    RIOTS: ("Violent demonstration", "Mob violence"),
    STRATEGIC: (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

#: Every ACLED sub-event type -> its event type.
ACLED_SUB_EVENT_TYPES: dict[str, str] = {sub: et for et, subs in ACLED_TYPES.items() for sub in subs}


# --- PLOVER -------------------------------------------------------------------------------------


class Quad(IntEnum):
    """PLOVER quad class, numbered as the PLV ``gold_penta`` column (ZSP rootcode_modality)."""

    VERBAL_COOPERATION = 1
    MATERIAL_COOPERATION = 2
    VERBAL_CONFLICT = 3
    MATERIAL_CONFLICT = 4


#: PLOVER root -> quad class. YIELD is the PLV name for CONCEDE + RETREAT.
PLOVER_QUAD: dict[str, Quad] = {
    "AGREE": Quad.VERBAL_COOPERATION,
    "CONSULT": Quad.VERBAL_COOPERATION,
    "SUPPORT": Quad.VERBAL_COOPERATION,
    "COOPERATE": Quad.MATERIAL_COOPERATION,
    "AID": Quad.MATERIAL_COOPERATION,
    "YIELD": Quad.MATERIAL_COOPERATION,
    "CONCEDE": Quad.MATERIAL_COOPERATION,
    "RETREAT": Quad.MATERIAL_COOPERATION,
    "REQUEST": Quad.VERBAL_CONFLICT,
    "ACCUSE": Quad.VERBAL_CONFLICT,
    "REJECT": Quad.VERBAL_CONFLICT,
    "THREATEN": Quad.VERBAL_CONFLICT,
    "PROTEST": Quad.MATERIAL_CONFLICT,
    "SANCTION": Quad.MATERIAL_CONFLICT,
    "MOBILIZE": Quad.MATERIAL_CONFLICT,
    "COERCE": Quad.MATERIAL_CONFLICT,
    "ASSAULT": Quad.MATERIAL_CONFLICT,
}

#: The 15 roots of the PLV data (the classifier's PLOVER head predicts these).
PLOVER_ROOTS: tuple[str, ...] = (
    "ACCUSE",
    "AGREE",
    "AID",
    "ASSAULT",
    "COERCE",
    "CONSULT",
    "COOPERATE",
    "MOBILIZE",
    "PROTEST",
    "REJECT",
    "REQUEST",
    "SANCTION",
    "SUPPORT",
    "THREATEN",
    "YIELD",
)

#: Modes defined for a root (PLOVER codebook; values seen in the PLOVER gold-standard records).
PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "ASSAULT": (
        "beat",
        "firearms",
        "explosives",
        "heavy-weapons",
        "aerial",
        "primitive",
        "assassinate",
        "torture",
        "sexual",
        "suicide-attack",
        "abduct",
        "cbrn",
    ),
    "COERCE": (
        "arrest",
        "detain",
        "seize",
        "confiscate",
        "destroy",
        "deport",
        "ban",
        "censor",
        "curfew",
        "martial-law",
        "restrict",
        "firearms",
    ),
    "PROTEST": ("demo-org", "demo-spon", "riot", "riot-spon", "obstruct", "strike-gen", "strike-hun"),
    "MOBILIZE": ("troops", "police", "weapons", "militia"),
    "CONSULT": ("visit", "host", "phone", "third-party", "multilateral"),
    "THREATEN": ("violence", "restrict", "curfew", "martial-law", "political", "relations"),
}

#: PLOVER v0.5b1 event names (gold-standard records) -> current root (None: the same name).
PLOVER_V05_TO_ROOT: dict[str, str] = {
    "AGREE": "AGREE",
    "AID": "AID",
    "ASSAULT": "ASSAULT",
    "COERCE": "COERCE",
    "CONCEDE": "YIELD",
    "CONSULT": "CONSULT",
    "COOPERATE": "COOPERATE",
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "INVESTIGATE": "ACCUSE",
    "MOBILIZE": "MOBILIZE",
    "PROTEST": "PROTEST",
    "REJECT": "REJECT",
    "RETREAT": "YIELD",
    "SANCTION": "SANCTION",
    "SUPPORT": "SUPPORT",
    "THREATEN": "THREATEN",
}


def quad_of(root: str) -> Quad | None:
    """Quad class of a PLOVER root (current or v0.5b1 name).

    Args:
        root (str): a PLOVER root such as "ASSAULT" or a v0.5b1 name such as "FIGHT".
    RETURNS (Quad | None): the quad class, or None for an unknown name.
    """
    root = PLOVER_V05_TO_ROOT.get(root, root)
    return PLOVER_QUAD.get(root)


def binary_of(root: str) -> str | None:
    """Cooperation or conflict, from a root's quad class (quad 1-2 vs 3-4).

    Args:
        root (str): a PLOVER root.
    RETURNS (str | None): "cooperation", "conflict", or None for an unknown name.
    """
    q = quad_of(root)
    if q is None:
        return None
    return "cooperation" if q <= Quad.MATERIAL_COOPERATION else "conflict"


# --- CASE 2021 ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseLabel:
    """One CASE 2021 Task 2 label with its place in ACLED and PLOVER.

    ``acled_type``/``acled_sub_type`` are None for the five labels outside ACLED;
    ``plover_root``/``plover_mode`` are None where PLOVER has no matching root or mode.
    """

    code: str
    subtask: int  # the first subtask whose label set includes it (1, 2 or 3)
    acled_type: str | None
    acled_sub_type: str | None
    plover_root: str | None
    plover_mode: str | None = None
    description: str = ""


def _c(code, sub, root, mode=None, description=""):
    return CaseLabel(code, 1, ACLED_SUB_EVENT_TYPES[sub], sub, root, mode, description or sub)


#: Every CASE 2021 label -> its record. Order: subtask 1 (alphabetical), then 2, then 3.
CASE_TAXONOMY: dict[str, CaseLabel] = {
    c.code: c
    for c in (
        _c("ABDUCT_DISSAP", "Abduction/forced disappearance", "ASSAULT", "abduct"),
        _c("AGREEMENT", "Agreement", "AGREE"),
        _c("AIR_STRIKE", "Air/drone strike", "ASSAULT", "aerial"),
        _c("ARMED_CLASH", "Armed clash", "ASSAULT", "firearms"),
        _c("ARREST", "Arrests", "COERCE", "arrest"),
        _c("ART_MISS_ATTACK", "Shelling/artillery/missile attack", "ASSAULT", "heavy-weapons"),
        _c("ATTACK", "Attack", "ASSAULT"),
        _c("CHANGE_TO_GROUP_ACT", "Change to group/activity", None),
        _c("CHEM_WEAP", "Chemical weapon", "ASSAULT", "cbrn"),
        _c("DISR_WEAP", "Disrupted weapons use", "COERCE", "seize"),
        _c("FORCE_AGAINST_PROTEST", "Excessive force against protesters", "ASSAULT"),
        _c("GOV_REGAINS_TERIT", "Government regains territory", "ASSAULT"),
        _c("GRENADE", "Grenade", "ASSAULT", "explosives"),
        _c("HQ_ESTABLISHED", "Headquarters or base established", "MOBILIZE", "troops"),
        _c("MOB_VIOL", "Mob violence", "ASSAULT", "beat"),
        _c("NON_STATE_ACTOR_OVERTAKES_TER", "Non-state actor overtakes territory", "ASSAULT"),
        _c("NON_VIOL_TERRIT_TRANSFER", "Non-violent transfer of territory", "YIELD"),
        _c("OTHER", "Other", None),
        _c("PEACE_PROTEST", "Peaceful protest", "PROTEST", "demo-org"),
        _c("PROPERTY_DISTRUCT", "Looting/property destruction", "COERCE", "destroy"),
        _c("PROTEST_WITH_INTER", "Protest with intervention", "PROTEST", "demo-org"),
        _c("REM_EXPLOS", "Remote explosive/landmine/IED", "ASSAULT", "explosives"),
        _c("SEX_VIOL", "Sexual violence", "ASSAULT", "sexual"),
        _c("SUIC_BOMB", "Suicide bomb", "ASSAULT", "suicide-attack"),
        _c("VIOL_DEMONSTR", "Violent demonstration", "PROTEST", "riot"),
        CaseLabel("ORG_CRIME", 2, None, None, None, description="Organized crime"),
        CaseLabel("NATURAL_DISASTER", 2, None, None, None, description="Natural disaster"),
        CaseLabel("MAN_MADE_DISASTER", 2, None, None, None, description="Man-made disaster"),
        CaseLabel("DIPLO", 3, None, None, "CONSULT", description="Diplomatic event"),
        CaseLabel("ATTRIB", 3, None, None, "ACCUSE", description="Attribution of responsibility"),
    )
}

#: All 30 CASE labels.
CASE_LABELS: tuple[str, ...] = tuple(CASE_TAXONOMY)

#: Subtask -> its label set: 1 = the 25 ACLED types, 2 = + 3 security labels, 3 = + DIPLO, ATTRIB.
CASE_SUBTASK_LABELS: dict[int, frozenset[str]] = {
    k: frozenset(code for code, c in CASE_TAXONOMY.items() if c.subtask <= k) for k in (1, 2, 3)
}
