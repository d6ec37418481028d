"""Per-article event extraction: who did what to whom, where, when, according to whom.

``extract_events`` works from the records the earlier stages produce (body, sentences, actor and
place mentions, publication date); it needs no parse. The steps, per article:

1. **Clauses.** Each sentence is split at line breaks (spaCy joins a headline to the paragraph
   after it), so a headline is a clause of its own.
2. **Triggers.** A lexicon of event words (``TRIGGERS``: captured, retook, liberated, shelled,
   airstrike, clashed, reached the outskirts, withdrew, accused, agreement, protest …), each with
   a class and a priority; a clause's event is its highest-priority trigger. Clauses without one
   report no event, however the classifier would label them. One scan of the clause for the literals
   each class's words contain (``_ANCHORS``) picks the few classes whose patterns can match there;
   only those patterns run.
3. **Attribution** (``attribution.py``): the claim, and the attribution's own span, whose actor
   mentions and dates belong to the statement, not to the event.
4. **Type.** One classifier call per scheme for all the article's trigger clauses. The trigger class
   decides where the lexical evidence is clear ("captured" → Battles / Government regains territory
   when the actor is a state force, "cruise missile strikes" → Shelling/artillery/missile attack,
   "accused … of" → PLOVER ACCUSE with no ACLED type); otherwise the classifier chooses among the
   class's labels, and ``reliable`` is False when it is unsure or disagrees.
5. **Roles.** The actor is the subject of the trigger's clause (the first actor mention that no
   preposition governs), the passive agent ("was carried out by X"), or X of "between X and Y";
   the target is "from Z", the first other actor after the trigger, or an opposing group nearby.
   An accusation's actor is the accuser, its target the accused. A statement by one state's body
   describing violence against civilians by another state's forces ("carpet bombings of residential
   areas by the US") is coded as an accusation, not as a confirmed strike. An ally named with
   "with"/"backed by" is not a target; when it is a force named right before "air support/cover",
   "airstrikes" … ("advanced … with Russian air support"), its strikes are a second event of the
   clause (an air strike with the clause's target, place, date, modality and claim).
6. **Place** (most specific resolved place in the clause, nearest the trigger), **date**
   (``when.py``; a clause without one inherits the previous clause's date within a paragraph),
   **numbers** (``numbers.py``), **modality** (negated > denied > planned > claimed > asserted).
7. **Merge.** Two clauses about the same event (same class, no conflicting place, actor or date)
   become one event with both evidence spans. A clause with no trigger that only adds numbers for
   the same source ("…10 kilometers away from al-Mayadin, added the report") extends the event
   before it. An event's claim is the first one that the actor stage does not flag as conflicting.

Pure: no I/O, no globals; linear in the article's length (a 5,000-word sentence is one clause).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..model import (
    Actor,
    ActorMention,
    ActorType,
    Claim,
    Event,
    EventDate,
    Flag,
    Mention,
    Modality,
    PlaceMention,
    PlacePrecision,
    PublishedDate,
    Quantity,
    Sentence,
    Span,
)
from .attribution import Attribution, attribute, find_quotes
from .classify import EventClassifier, EventTypePrediction
from .numbers import find_quantities
from .prefilter import AnchorScan
from .types import CASE_SUBTASK_LABELS, CASE_TAXONOMY
from .when import find_date_expressions, resolve

__all__ = ["TRIGGERS", "Clause", "extract_events", "clauses_of"]

_I = re.IGNORECASE
#: class -> (priority, pattern). The highest priority in a clause is its event; ties go to the first.
TRIGGERS: dict[str, tuple[float, re.Pattern]] = {
    "capture": (10, re.compile(
        r"\b(?:re-?captur\w*|captur(?:ed|es|ing|e)|seiz(?:ed|es|ing)\s+(?:the\s+)?(?:city|town|village|area|control)|re-?took|retaken|retake|retaking|"
        r"regain(?:ed|s|ing)?|liberat(?:ed|es|e|ing|ion)|t(?:ook|aken|ake|aking)\s+(?:full\s+)?control|"
        r"(?:broke|break|breaking|broken)\s+(?:[\w’'-]+\s+){0,2}siege|overr[au]n|stormed|"
        r"complet\w*\s+(?:the\s+|their\s+|its\s+)?(?:military\s+)?operation)\b", _I)),
    "accuse": (9.5, re.compile(r"\b(?:accus(?:ed|es|e|ing)|blam(?:ed|es|e|ing)|condemn(?:ed|s|ing)?)\b", _I)),
    "missile": (9, re.compile(
        r"\b(?:cruise\s+missiles?|missile\s+(?:strikes?|attacks?)|missiles?|rockets?|rocket\s+attacks?|"
        r"shell(?:ed|ing|s)|artillery|mortars?|barrages?)\b", _I)),
    "air": (9, re.compile(
        r"\b(?:air\s?strikes?|air\s?raids?|carpet\s+bombings?|bomb(?:ed|ing|ings|ard|ards|arded|ardment)|"
        r"warplanes?|drone\s+strikes?)\b", _I)),
    "deny": (9, re.compile(r"\b(?:denied|denies|deny)\b", _I)),
    "threaten": (9, re.compile(r"\b(?:threaten(?:ed|s|ing)?|vow(?:ed|s)\s+to)\b", _I)),
    "withdraw": (8, re.compile(
        r"\b(?:withdr[ae]w\w*|withdrawn|pull(?:ed|ing)?\s+out|retreat(?:ed|s|ing)?|leav(?:e|es|ing)|"
        r"evacuat(?:ed|e|es|ing|ion)|taking\s+(?:[\w-]+\s+){1,4}?with\s+them)\b", _I)),
    "airlift": (7.5, re.compile(r"\bairlift(?:ed|s|ing)?\b", _I)),
    "clash": (7, re.compile(
        r"\b(?:clash(?:ed|es|ing)?|fight(?:ing|s)?|fought|engag(?:ed|ing)|battl(?:ed|ing)|gun\s?battles?|"
        r"firefights?|overcame\s+(?:fierce\s+)?resistance|ambush(?:ed)?)\b", _I)),
    "attack": (7, re.compile(
        r"\b(?:attack(?:ed|s|ing)?|target(?:ed|ing|s)|struck|assault(?:ed|s)?|raid(?:ed|s)?|offensive)\b", _I)),
    "kill": (7, re.compile(
        r"\b(?:kill(?:ed|ing|s)?|eliminat(?:ed|e|es|ing)|massacr(?:ed|e)|executed|shot\s+dead|wounded|injured)\b", _I)),
    "arrest": (6, re.compile(r"\b(?:arrest(?:ed|s|ing)?|detain(?:ed|s|ing)?)\b", _I)),
    "relocate": (6, re.compile(r"\b(?:(?:had|has|have)\s+moved|relocat(?:ed|es|ing))\b", _I)),
    "control": (6, re.compile(r"\b(?:controls|now\s+control|controlled)\b", _I)),
    "advance": (5, re.compile(
        r"\b(?:advanc(?:ed|es|ing|e)|reached\s+the\s+(?:outskirts|gates|edge)|clos(?:ed|ing|e)\s+in|"
        r"push(?:ed|ing)?\s+(?:into|toward|towards)|encircl\w+|besieg\w+)\b", _I)),
    "agreement": (4, re.compile(
        r"\b(?:agreements?|deal|ceasefire|cease-fire|truce|agreed|reach(?:ed|es)?\s+(?:a|an)\s+(?:consensus|understanding|accord)|"
        r"accept(?:ed|s)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}?(?:formula|proposal|plan|offer|terms|deal|accord))\b", _I)),
    "protest": (4, re.compile(
        r"\b(?:protest(?:ed|s|ers|ing)?|demonstrat(?:ed|ions?|ors)|rall(?:y|ied|ies)|riot(?:s|ed|ing|ers)?|hunger\s+strikes?|"
        r"sit-ins?|march(?:ed|ers)\b|blocked\s+(?:the\s+)?(?:roads?|streets?|traffic|transport|highways?))\b", _I)),
    # PLOVER's non-violent roots: statements, requests, visits, aid, sanctions, concessions
    "request": (3.6, re.compile(
        r"\b(?:urg(?:ed|es|e|ing)|call(?:ed|s|ing)?\s+(?:on|for|upon)|appeal(?:ed|s|ing)?\s+(?:to|for)|"
        r"demand(?:ed|s|ing)|request(?:ed|s|ing)|asked)\b", _I)),
    "reject": (3.6, re.compile(r"\b(?:reject(?:ed|s|ing)|refus(?:ed|es|ing)|veto(?:ed|es)|dismiss(?:ed|es))\b", _I)),
    "support": (3.6, re.compile(
        r"\b(?:prais(?:ed|es|e)|welcom(?:ed|es)|endors(?:ed|es|e)|hail(?:ed|s)|"
        r"express(?:ed|es)\s+(?:\w+\s+)?(?:support|solidarity))\b", _I)),
    "consult": (3.6, re.compile(
        r"\b(?:met(?!\s+(?:with\s+)?(?:\w+\s+)?(?:resistance|opposition|criticism|fire|gunfire|protests?))|"
        r"meets|meeting\s+with|(?:held|hold|holds|holding)\s+(?:\w+\s+)?talks|visit(?:ed|s|ing)|host(?:ed|s)|"
        r"conferred|telephoned|phone\s+call|spoke\s+(?:with|to)|talks\s+with|mediat(?:e|ed|es|ing|ion))\b", _I)),
    "aid": (3.6, re.compile(
        r"\b(?:(?:provid|deliver|donat|pledg|grant)(?:ed|es|e|ing|s)?|sent|sends|gave|give|gives)\s+(?:[\w$,.-]+\s+){0,6}?"
        r"(?:aid|assistance|supplies|food|medicine|relief|funds|loans?)\b|\bhumanitarian\s+aid\b", _I)),
    "sanction": (3.6, re.compile(
        r"\b(?:sanction(?:ed|s|ing)?|impos(?:ed|es|e|ing)\s+(?:\w+\s+){0,2}?(?:sanctions|embargo|ban|restrictions)|"
        r"expell?(?:ed|s|ing)|embargo|(?:suspend|cut|sever)(?:ed|s)?\s+(?:\w+\s+)?(?:aid|ties|relations|talks|cooperation))\b", _I)),
    "yield": (3.6, re.compile(
        r"\b(?:releas(?:ed|es|e|ing)(?!\s+(?:a|an|its|the|their|his|her)?\s*(?:statement|report|video|footage|figures|details|"
        r"data|images|photos|results|list|album|book|film))|freed|surrender(?:ed|s|ing)?|resign(?:ed|s)|conced(?:ed|es)|"
        r"handed\s+over|eased|demobili[sz]\w*|paid\s+compensation|"
        r"lift(?:ed|s)?\s+(?:a|an|the|its)?\s*(?:\w+\s+)?(?:curfew|ban|sanctions|siege|restrictions|embargo|blockade))\b", _I)),
    "mobilize": (3.6, re.compile(
        r"\b(?:mobili[sz](?:ed|es|e|ing|ation)|deploy(?:ed|s|ing|ment)|sent\s+(?:\w+\s+){0,2}?(?:troops|soldiers|forces|"
        r"warships|reinforcements)|put\s+(?:\w+\s+){0,2}?on\s+(?:high\s+)?alert)\b", _I)),
    "coerce": (3.6, re.compile(
        r"\b(?:confiscat\w+|bann(?:ed|ing)|curfew|deport(?:ed|s|ing|ation)|expropriat\w+|"
        r"(?:shut|closed)\s+down|raided\s+(?:the\s+)?(?:offices?|homes?|headquarters)|demolish\w*|bulldoz\w*|martial\s+law)\b", _I)),
    "cooperate": (3.5, re.compile(
        r"\b(?:cooperat\w+|co-operat\w+|extradit\w+|signed\s+(?:\w+\s+){0,3}?(?:agreement|accord|treaty|deal|memorandum))\b", _I)),
    "promise": (3.5, re.compile(r"\b(?:promis(?:ed|es|e)|pledg(?:ed|es|e)|vow(?:ed|s))\s+to\b", _I)),
    "disapprove": (3.6, re.compile(
        r"\b(?:criticiz\w+|criticis\w+|complain(?:ed|s)?|denounc\w+|deplor\w+|investigat(?:e|ed|es|ing|ion)|"
        r"summon(?:ed|s)\s+(?:\w+\s+){0,3}?(?:ambassador|envoy|charg\w+))\b", _I)),
    "air_support": (2, re.compile(r"\bair\s+(?:support|cover)\b", _I)),
    "shield": (3, re.compile(r"\bhuman\s+shields?\b", _I)),
    "operation": (1, re.compile(r"\b(?:operations?|campaign)\b", _I)),
}

#: A cheap necessary condition for each class's pattern: class -> groups of literals. Every match of
#: the pattern contains, for each group, at least one of its literals (lowercase ASCII; a pattern's
#: letters match case-insensitively). ``_find_trigger`` runs a class's pattern only over a clause whose
#: folded text (``_fold``) passes all the class's groups: most clauses hold a handful of classes'
#: words, and one scan for all the literals costs a fraction of the patterns' scans. A group must hold
#: a literal of every alternative of its pattern: a missing one silently drops triggers
#: (tests/events/test_extract_triggers.py checks each class against strings its pattern generates).
_ANCHORS: dict[str, tuple[tuple[str, ...], ...]] = {
    "capture": (("captur", "seiz", "took", "retak", "regain", "liberat", "control", "siege", "overr", "stormed", "complet"),),
    "accuse": (("accus", "blam", "condemn"),),
    "missile": (("missile", "rocket", "shell", "artillery", "mortar", "barrage"),),
    "air": (("strike", "raid", "bomb", "warplane"),),
    "deny": (("deni", "deny"),),
    "threaten": (("threaten", "vow"),),
    "withdraw": (("withdr", "pull", "retreat", "leav", "evacuat", "taking"),),
    "airlift": (("airlift",),),
    "clash": (("clash", "fight", "fought", "engag", "battl", "overcame", "ambush"),),
    "attack": (("attack", "target", "struck", "assault", "raid", "offensive"),),
    "kill": (("kill", "eliminat", "massacr", "executed", "shot", "wounded", "injured"),),
    "arrest": (("arrest", "detain"),),
    "relocate": (("moved", "relocat"),),
    "control": (("control",),),
    "advance": (("advanc", "reached", "clos", "push", "encircl", "besieg"),),
    "agreement": (("agree", "deal", "ceasefire", "cease-fire", "truce", "reach", "accept"),),
    "protest": (("protest", "demonstrat", "rall", "riot", "hunger", "sit-in", "march", "blocked"),),
    "request": (("urg", "call", "appeal", "demand", "request", "asked"),),
    "reject": (("reject", "refus", "veto", "dismiss"),),
    "support": (("prais", "welcom", "endors", "hail", "express"),),
    "consult": (("met", "meet", "talks", "visit", "host", "conferred", "telephoned", "phone", "spoke", "mediat"),),
    "aid": (
        ("provid", "deliver", "donat", "pledg", "grant", "sent", "send", "gave", "give", "humanitarian"),
        ("aid", "assistance", "supplies", "food", "medicine", "relief", "funds", "loan"),
    ),
    "sanction": (("sanction", "impos", "expel", "embargo", "suspend", "cut", "sever"),),
    "yield": (
        ("releas", "freed", "surrender", "resign", "conced", "handed", "eased", "demobili", "compensation", "lift"),
    ),
    "mobilize": (("mobili", "deploy", "sent", "alert"),),
    "coerce": (
        ("confiscat", "bann", "curfew", "deport", "expropriat", "shut", "closed", "raided", "demolish", "bulldoz", "martial"),
    ),
    "cooperate": (("cooperat", "co-operat", "extradit", "signed"),),
    "promise": (("promis", "pledg", "vow"),),
    "disapprove": (("critici", "complain", "denounc", "deplor", "investigat", "summon"),),
    "air_support": (("air",), ("support", "cover")),
    "shield": (("shield",),),
    "operation": (("operation", "campaign"),),
}
#: Under re.IGNORECASE an ASCII letter also matches "İ" (U+0130), "ı", "ſ" and the Kelvin sign;
#: ``str.lower`` turns "İ" into "i" + U+0307 and leaves "ı", "ſ" as they are. Folding them onto the
#: letter they match keeps the literal test a superset of the pattern's matches.
_FOLD = {ord("ı"): "i", ord("ſ"): "s", 0x307: None}


#: One scan of a folded clause for every class's anchors (``prefilter.AnchorScan``).
_SCAN = AnchorScan.of(_ANCHORS)
_NEEDS: Mapping[str, frozenset[tuple[str, int]]] = _SCAN.needs

#: Classes whose type the lexicon fixes: class -> CASE code.
_FIXED = {
    "missile": "ART_MISS_ATTACK",
    "air": "AIR_STRIKE",
    "air_support": "AIR_STRIKE",
    "withdraw": "NON_VIOL_TERRIT_TRANSFER",
    "agreement": "AGREEMENT",
    "arrest": "ARREST",
    "relocate": "CHANGE_TO_GROUP_ACT",
    "airlift": "OTHER",
    "control": "OTHER",
}
_TERRITORY = ("GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER")
_BATTLES = ("ARMED_CLASH", "GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER")
_VIOLENT = ("ARMED_CLASH", "ATTACK", "AIR_STRIKE", "ART_MISS_ATTACK", "REM_EXPLOS", "SUIC_BOMB", "GRENADE")
#: Classes the classifier chooses within: class -> (allowed CASE codes, default).
_CHOOSE = {
    "capture": (("GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"), "GOV_REGAINS_TERIT"),
    "clash": (_BATTLES, "ARMED_CLASH"),
    # an advance still under way is fighting (ACLED codes territory as regained once it is taken:
    # "captured", "retook" are the capture class)
    "advance": (("ARMED_CLASH",), "ARMED_CLASH"),
    "attack": (_VIOLENT, "ARMED_CLASH"),
    "kill": (_VIOLENT, "ATTACK"),
    "protest": (("PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR", "MOB_VIOL"), "PEACE_PROTEST"),
    # "operation", "campaign": military ones (an agreement or a protest has its own words)
    "operation": (tuple(dict.fromkeys(_BATTLES + _VIOLENT)), "ARMED_CLASH"),
}
#: Verbal classes: no ACLED type; their PLOVER root.
_VERBAL = {
    "accuse": "ACCUSE", "shield": "ACCUSE", "deny": "REJECT", "threaten": "THREATEN", "request": "REQUEST",
    "reject": "REJECT", "support": "SUPPORT", "consult": "CONSULT", "aid": "AID", "sanction": "SANCTION",
    "yield": "YIELD", "mobilize": "MOBILIZE", "coerce": "COERCE", "cooperate": "COOPERATE", "promise": "AGREE",
    "disapprove": "ACCUSE",
}  # fmt: skip
#: Classes whose target may be a country named after the trigger (its government): statements and
#: measures between states. Not violence: "shelling in Syria" names a place, not a target.
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|inside|within|across|throughout|around|outside|into)\s+(?:the\s+)?$", _I)
_STATE_TARGETS = frozenset(
    {"request", "reject", "support", "consult", "aid", "sanction", "threaten", "cooperate", "agreement", "disapprove"}
)
#: Acts that govern what follows them: "the UN urged an end to the shelling" is a request, "Turkey
#: rejected claims that its jets bombed the village" a rejection, "police banned the rally" coercion.
_GOVERNING = frozenset({"request", "reject", "support", "deny", "threaten", "coerce"})
#: Classes that may merge with each other.
_FAMILY = {"missile": "remote", "air": "remote", "air_support": "remote", "shield": "accuse"}
#: Classes whose event has no target (the place is what changes hands or is held).
_NO_TARGET = frozenset({"control", "withdraw", "relocate"})
#: Clauses apart beyond which two events without a shared place are not merged.
MERGE_WINDOW = 3

_STATE = frozenset({ActorType.STATE_MILITARY, ActorType.GOVERNMENT, ActorType.POLICE})
_STATEISH = _STATE | {ActorType.INTERNATIONAL_BODY}
_NOT_AGENTS = frozenset({ActorType.CIVILIANS, ActorType.MEDIA})
_SPECIFIC = {
    PlacePrecision.SITE: 4, PlacePrecision.CITY: 4, PlacePrecision.ADMIN2: 3, PlacePrecision.ADMIN1: 2,
    PlacePrecision.COUNTRY: 1, PlacePrecision.REGION: 0,
}  # fmt: skip
_PREP_BEFORE = re.compile(r"\b(?:of|from|against|with|by|between|on|to|for|among|at|in|into|amid)\s+(?:the\s+)?$", _I)
_CLAUSE_BOUNDARY = re.compile(r"\bthat\b|[“;:]|\bwhere\b|\bwhich\b|\bwho\b", _I)
_COMMA_BOUNDARY = re.compile(r",")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+){0,2}?\w+(?:ed|en|wn|ut)\s+(?:out\s+)?by\s+(?:the\s+)?(?:so-called\s+)?", _I)
_BY = re.compile(r"\bby\s+(?:the\s+)?(?:so-called\s+)?$", _I)
_SCARE = re.compile(r"[‘“'\"]\s*$")
_PASSIVE_ACCUSE = re.compile(r"\b(?:been|was|were|is|are|being)\s+(?:\w+\s+)?$", _I)
_NEGATION = re.compile(r"\b(?:no|not|never|n[’']t|without|neither|nor|failed\s+to)\b[^,;]*$", _I)
_DENIAL = re.compile(r"\b(?:denied|denies|deny|rejected\s+(?:claims|reports))\b", _I)
_FUTURE = re.compile(
    r"\b(?:will|would|shall|going\s+to|plan(?:s|ned)?\s+to|intend(?:s|ed)?\s+to|expected\s+to|about\s+to|set\s+to)\b[^,;.]*$", _I
)
#: A trigger verb in the infinitive after a word of aim ("came here to fight", "a plan to retake",
#: "ordered the troops to withdraw") reports an aim, not a fact; "the operation to liberate Raqqa
#: started on June 6" stays a fact.
_AIM_TO = re.compile(
    r"\b(?:came|come|comes|went|go|goes|plan(?:s|ned)?|aim(?:s|ed)?|want(?:s|ed)?|seek(?:s|ing)?|sought|tr(?:y|ies|ied)|"
    r"attempt(?:s|ed)?|intend(?:s|ed)?|hop(?:e|es|ed)|ready|prepared|preparing|order(?:s|ed)?|decided|promised|"
    r"wish(?:es|ed)?|would\s+like)\s+(?:[\w-]+\s+){0,3}?to\s+$",
    _I,
)
_BLAME = re.compile(r"\b(?:residential|civilians?|victims|human\s+shields?|carpet|indiscriminate|hostages|collud\w*|massacres?|destruction)\b", _I)
#: "strikes on terrorist positions": the target is named only by a label noun used as a modifier.
_GENERIC_TARGET = re.compile(
    r"\b(?:on|against|at|targeting|targeted|hit(?:ting)?|struck|pounded|pounding)\s+(?:the\s+)?"
    r"(?P<noun>(?:terrorist|militant|jihadist|extremist|insurgent|takfiri|islamist)s?['’]?\s+"
    r"(?:positions?|targets?|strongholds?|hideouts?|bases?|camps?|facilities|infrastructure|convoys?|fortifications|"
    r"command\s+posts?|weapons\s+depots?|ammunition\s+depots?|fighters|gatherings))\b",
    _I,
)
#: Words before an actor that make it the actor's ally, not its target.
_ALLY_BEFORE = re.compile(
    r"\b(?:with|alongside|backed\s+by|supported\s+by|aided\s+by|helped\s+by|together\s+with|joined\s+by)\s+"
    r"(?:the\s+)?(?:(?:help|support|backing)\s+of\s+(?:the\s+)?)?$",
    _I,
)
#: "with Russian air support": the supporting force's own strikes, reported inside another event.
_SUPPORT = re.compile(r"\s*(?:air\s+(?:support|cover|power)|airpower|aviation|air\s?strikes|air\s+raids)\b", _I)
#: Primary classes a supporting air strike is not split from (it is already that kind of event).
_NO_SUPPORT_SPLIT = frozenset({"air", "air_support", "missile", "accuse", "deny", "threaten", "shield"})
_ARMED_NON_STATE = frozenset({ActorType.JIHADIST_GROUP, ActorType.ARMED_GROUP, ActorType.MILITIA})
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_LINE = re.compile(r"[^\n]+")
_LETTER = re.compile(r"[^\W\d_]")
_TRIGGER_LIMIT = 20000  # characters of one clause scanned for triggers (a 5,000-word sentence is ~30,000)


@dataclass(slots=True)
class Clause:
    """One clause of the body (a sentence, or the part of one between line breaks) and what it reports."""

    start: int
    end: int
    sentence: int
    trigger_class: str | None = None
    trigger: Span | None = None
    attribution: Attribution | None = None
    actor: ActorMention | None = None
    target: ActorMention | None = None
    place: PlaceMention | None = None
    date: EventDate | None = None
    quantities: tuple[Quantity, ...] = ()
    modality: Modality = Modality.ASSERTED
    accusation: bool = False


@dataclass(slots=True)
class _Draft:
    """A merged event under construction."""

    clauses: list[Clause] = field(default_factory=list)
    family: str = ""
    case: str | None = None
    plover: str | None = None
    plover_mode: str | None = None
    reliable: bool = True
    confidence: float = 0.0
    actor: ActorMention | None = None
    target: ActorMention | None = None
    place: PlaceMention | None = None
    date: EventDate | None = None
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    last: int = 0  # index of the last clause absorbed


def clauses_of(body: str, sentences: Sequence[Sentence]) -> list[Clause]:
    """Split sentences into clauses at line breaks, dropping pieces with no letter.

    Args:
        body (str): ``Article.body``.
        sentences (Sequence[Sentence]): sentence spans (the whole body when empty).
    RETURNS (list[Clause]): clauses in text order.
    """
    spans = [(s.start, s.end) for s in sentences] or [(0, len(body))]
    out: list[Clause] = []
    for i, (s, e) in enumerate(spans):
        for m in _LINE.finditer(body, s, e):
            a, b = m.span()
            piece = m.group()
            lead = len(piece) - len(piece.lstrip())
            a, b = a + lead, b - (len(piece) - len(piece.rstrip()))
            if b > a and _LETTER.search(body, a, b):
                out.append(Clause(a, b, i))
    return out


def _fold(text: str) -> str:
    """Lowercase text for the literal prefilter: every character a pattern letter matches under
    re.IGNORECASE becomes that letter (``_FOLD``)."""
    low = text.lower()
    return low if low.isascii() else low.translate(_FOLD)


def _present(text: str) -> set[tuple[str, int]]:
    """The (class, group) pairs of ``_ANCHORS`` that text satisfies: a class whose every group is
    among them may match; any other cannot."""
    return _SCAN.present(_fold(text))


def _find_trigger(body: str, c: Clause, region: tuple[int, int] | None) -> tuple[str, Span] | None:
    """The clause's event trigger outside the attribution ``region``: (class, span), or None."""
    best: tuple[float, int, str, int, int] | None = None
    governing: tuple[str, int, int] | None = None  # the first speech act that governs what follows it
    hi = min(c.end, c.start + _TRIGGER_LIMIT)
    present = _present(body[c.start : hi])
    headline: bool | None = None  # computed at the first capitalised hit (only _in_name needs it)
    for cls, (prio, pat) in TRIGGERS.items():
        if best is not None and prio < best[0] and cls not in _GOVERNING:
            continue  # it cannot become the clause's event, nor govern it
        if not _NEEDS[cls] <= present:
            continue  # the clause lacks the class's words
        for m in pat.finditer(body, c.start, hi):
            s, e = m.start(), m.end()
            if region is not None and region[0] <= s < region[1]:
                continue
            if body[s - 1 : s] in ("‘", "“", "'", '"') and body[e : e + 1] in ("’", "”", "'", '"'):
                continue  # a scare-quoted word ("the ‘liberated’ population") reports nothing
            if body[s].isupper():
                if headline is None:
                    words = _WORD.findall(body, c.start, min(hi, c.start + 400))
                    headline = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
                if not headline and _in_name(body, s, e, c.start):
                    continue  # "Palestine Liberation Organization", "Liberation Tigers": a name, not an act
            key = (prio, -s)
            if best is None or key > (best[0], best[1]):
                best = (prio, -s, cls, s, e)
            if cls in _GOVERNING and (governing is None or s < governing[1]):
                governing = (cls, s, e)
            break  # the first hit of a class is enough: later ones only lose the tie
    if best is None:
        return None
    _p, _n, cls, s, e = best
    if governing is not None and governing[1] < s and cls not in _GOVERNING and cls != "accuse":
        cls, s, e = governing  # "urged an end to the shelling": the request, not the shelling
    return cls, Span(s, e, body[s:e])


def _in_name(body: str, s: int, e: int, lo: int) -> bool:
    """Whether a capitalised trigger word at [s, e) is part of a name: a capitalised word right after
    it, or right before it unless that word only opens the clause."""
    after = re.match(r"[ \t-]+([A-Za-z][\w'’-]*)", body[e : e + 40])
    if after and after.group(1)[0].isupper():
        return True
    w0 = max(lo, s - 40)
    before = re.search(r"([A-Za-z][\w'’-]*)[ \t-]+$", body[w0:s])
    return bool(before and before.group(1)[0].isupper() and body[lo : w0 + before.start(1)].strip())


def _clause_start(body: str, lo: int, pos: int, boundary: re.Pattern) -> int:
    start = lo
    for m in boundary.finditer(body, lo, pos):
        start = m.end()
    return start


def _subject(body: str, cands: list[ActorMention], lo: int, trig: Span) -> ActorMention | None:
    """The first actor mention of the trigger's clause that no preposition governs."""
    for boundary in (_COMMA_BOUNDARY, _CLAUSE_BOUNDARY):
        start = _clause_start(body, lo, trig.start, boundary)
        for m in cands:
            if start <= m.start and m.end <= trig.start and not _PREP_BEFORE.search(body[max(lo, m.start - 12) : m.start]):
                return m
    before = [m for m in cands if lo <= m.start and m.end <= trig.start and trig.start - m.end < 200]
    return before[-1] if before else None


def _roles(
    body: str, c: Clause, cands: list[ActorMention], trig: Span, cls: str
) -> tuple[ActorMention | None, ActorMention | None]:
    agents = [m for m in cands if m.actor.type not in _NOT_AGENTS]
    after = [m for m in cands if m.start >= trig.end]
    if cls == "accuse":
        if _PASSIVE_ACCUSE.search(body[max(c.start, trig.start - 30) : trig.start]):
            return None, _subject(body, agents, c.start, trig)  # "The US has long been accused of"
        actor = _subject(body, agents, c.start, trig)
        target = next((m for m in after if actor is None or m.actor.id != actor.actor.id), None)
        return actor, target
    actor = None
    # passive agent: "was carried out by X"; nominal trigger + "by X": "bombings … by the US"
    for m in agents:
        if m.start < trig.start:
            continue
        if m.start - trig.end > 160:
            break
        head = body[max(trig.end, m.start - 80) : m.start]
        if _PASSIVE.search(head) and _PASSIVE.search(head).end() == len(head):
            actor = m
            break
        if _BY.search(body[trig.end : m.start]) and not re.search(r"[,;“”]", body[trig.end : m.start]) and m.start - trig.end < 70:
            actor = m
            break
    between = re.match(r"\s+(?:\w+\s+){0,2}?between\s+", body[trig.end : trig.end + 40])
    if actor is None and between:
        pair = [m for m in agents if m.start >= trig.end][:2]
        if len(pair) == 2:
            return pair[0], pair[1]
    if actor is None:
        # "Russian warplanes pounded …": the trigger word is inside the agent's own mention
        holder = next((m for m in agents if m.start <= trig.start and trig.end <= m.end), None)
        actor = holder or _subject(body, agents, c.start, trig)
    frm = re.compile(r"\bfrom\s+(?:the\s+)?$", _I)
    target = None
    for m in after:
        if m is actor or m.start - trig.end > 250:
            continue
        if actor is not None and m.actor.id == actor.actor.id:
            continue
        if _ALLY_BEFORE.search(body[max(trig.end, m.start - 40) : m.start]):
            continue  # "advance … with Russian air support": an ally, not the target
        if m.actor.type is ActorType.PERSON:
            continue
        if cls == "capture" and frm.search(body[max(trig.end, m.start - 12) : m.start]):
            return actor, m
        target = target or m
    if target is None:
        near = [
            m
            for m in cands
            if m is not actor
            and m.actor.type in (ActorType.JIHADIST_GROUP, ActorType.ARMED_GROUP, ActorType.MILITIA)
            and (actor is None or m.actor.id != actor.actor.id)
        ]
        if near and actor is not None:
            target = min(near, key=lambda m: abs(m.start - trig.start))
    return actor, target


def _support(body: str, c: Clause, cands: list[ActorMention], region) -> Clause | None:
    """ "Syrian forces are continuing their advance … with Russian air support": the supporting force
    (an actor named right before "air support/cover", "airstrikes" …) carried out strikes of its own
    in the same operation: a second event of the clause, an air strike with the same target, place,
    date, modality and claim. None when the clause's own event is already a strike or a statement."""
    if c.trigger is None or c.trigger_class in _NO_SUPPORT_SPLIT or c.accusation:
        return None
    for m in cands:
        if m.start < c.trigger.end or m.actor.type in _NOT_AGENTS or m.actor.type is ActorType.PERSON:
            continue
        if c.actor is not None and m.actor.id == c.actor.actor.id:
            continue
        hit = _SUPPORT.match(body, m.end)
        if hit is None or not _ALLY_BEFORE.search(body[max(c.start, m.start - 40) : m.start]):
            continue
        if region is not None and region[0] <= m.start < region[1]:
            continue
        trig = Span(hit.start() + len(hit.group()) - len(hit.group().lstrip()), hit.end(), hit.group().strip())
        target = c.target if c.target is not None and c.target.actor.id != m.actor.id else None
        return Clause(
            c.start, c.end, c.sentence, "air_support", trig, c.attribution, m, target, c.place, c.date, (), c.modality
        )
    return None


def _generic_target(body: str, c: Clause, trig: Span, earlier: Sequence[ActorMention]) -> ActorMention | None:
    """ "cruise missile strikes on terrorist positions": a label noun as the target's only name → the
    armed non-state group the article named last before the trigger (a coreference, low confidence)."""
    m = _GENERIC_TARGET.search(body, trig.end, min(c.end, trig.end + 80))
    if m is None or re.search(r"[;.]", body[trig.end : m.start()]):
        return None
    group = next((a for a in reversed(earlier) if a.start < trig.start and a.actor.type in _ARMED_NON_STATE), None)
    if group is None:
        return None
    return ActorMention(m.start("noun"), m.end("noun"), m.group("noun"), group.actor, c.sentence, "coreference", 0.45)


def _country_target(body: str, c: Clause, after: Sequence[PlaceMention], dictionary) -> ActorMention | None:
    """ "called for sanctions against Nigeria", "rejected an Australian ultimatum": in a statement or
    measure between states, a country named after the trigger is its government, the target. The
    first such country within 150 characters that is not the actor's own (a coreference-level guess,
    confidence 0.5). A country after "in", "at", "near" … is where, not whom."""
    for p in after:
        if p.start - c.trigger.end > 150:
            break
        place = p.place
        if place is None or not place.feature_code.startswith("PCL") or place.country not in dictionary.countries:
            continue
        if c.actor is not None and c.actor.actor.country == place.country:
            continue
        if _LOCATIVE_BEFORE.search(body, max(0, p.start - 16), p.start):
            continue  # "urged restraint in Syria": where, not whom
        gov = dictionary.actors.get(dictionary.countries[place.country].government)
        if gov is not None:
            return ActorMention(p.start, p.end, p.text, gov, c.sentence, "metonymy", 0.5)
    return None


def _place(c: Clause, places: list[PlaceMention], actors: list[ActorMention], trig: Span, region) -> PlaceMention | None:
    best, best_key = None, None
    for p in places:
        if p.place is None or p.precision is None or p.confidence < 0.1 or "demonym" in (p.reason or ""):
            continue
        if any(a.start < p.end and p.start < a.end for a in actors):
            continue  # "Syrian troops", "US-led coalition": part of an actor's name
        if region is not None and region[0] <= p.start < region[1]:
            continue
        dist = p.start - trig.end if p.start >= trig.end else trig.start - p.end + 10
        key = (_SPECIFIC.get(p.precision, 0), -dist)
        if best_key is None or key > best_key:
            best, best_key = p, key
    return best


def _modality(body: str, c: Clause, trig: Span, cls: str, att: Attribution | None) -> Modality:
    lo = max(c.start, trig.start - 45, att.region[1] if att and att.region[1] <= trig.start else c.start)
    window = body[lo : trig.start]
    if _NEGATION.search(window):
        return Modality.NEGATED
    if cls != "deny" and _DENIAL.search(body, c.start, c.end):
        return Modality.DENIED
    if _FUTURE.search(body[max(c.start, trig.start - 60) : trig.start]):
        return Modality.PLANNED
    if _AIM_TO.search(body, max(c.start, trig.start - 50), trig.start):
        return Modality.PLANNED  # "those they came here to fight", "a plan to retake": not (yet) done
    if att is not None:
        return Modality.CLAIMED
    return Modality.ASSERTED


def _choose_date(body: str, c: Clause, trig: Span, published: PublishedDate, region) -> EventDate | None:
    exprs = find_date_expressions(body, c.start, min(c.end, c.start + _TRIGGER_LIMIT))
    if not exprs:
        return None
    inside = [x for x in exprs if region is not None and region[0] <= x.start < region[1]]
    outside = [x for x in exprs if x not in inside]
    anchor = resolve(inside[0], published) if inside else None
    if outside:
        x = min(outside, key=lambda x: abs(x.start - trig.start))
        return resolve(x, published, anchor=anchor)
    return anchor


def _type(cls: str, actor: ActorMention | None, case: EventTypePrediction, plv: EventTypePrediction):
    """(CASE code | None, PLOVER root, mode, reliable, confidence) for a clause."""
    if cls in _VERBAL:
        return None, _VERBAL[cls], None, True, 0.8
    ranked = [lab for lab, _p in case.ranked]
    if cls in _FIXED:
        code, reliable, conf = _FIXED[cls], True, 0.8
    else:
        allowed, default = _CHOOSE[cls]
        pick = next((lab for lab in ranked if lab in allowed), None)
        if cls == "capture" and actor is not None:
            code = "GOV_REGAINS_TERIT" if actor.actor.type in _STATEISH else "NON_STATE_ACTOR_OVERTAKES_TER"
            reliable, conf = True, 0.85
        elif pick is not None:
            code = pick
            reliable = case.reliable and pick == case.label
            conf = dict(case.ranked)[pick]
        else:
            code, reliable, conf = default, False, 0.3
        if code in _TERRITORY and actor is not None:
            # who takes the ground decides between the two territory types, not the wording
            code = "GOV_REGAINS_TERIT" if actor.actor.type in _STATEISH else "NON_STATE_ACTOR_OVERTAKES_TER"
        if cls == "operation":
            reliable, conf = False, min(conf, 0.3)
    tax = CASE_TAXONOMY[code]
    root = tax.plover_root
    if root is None and plv.reliable:
        root = plv.label
    return code, root, tax.plover_mode, reliable, conf


def _accusation(c: Clause, att: Attribution | None, cls: str, body: str, parent_of) -> tuple[ActorMention | None, ActorMention | None] | None:
    """A state body's statement about violence against civilians by another state's forces: an accusation."""
    if att is None or c.modality in (Modality.PLANNED, Modality.NEGATED):
        return None
    if cls not in ("air", "missile", "attack", "kill", "shield"):
        return None
    speaker_m = next((m for m in att.mentions if m.actor.type is not ActorType.MEDIA), None)
    org = att.claim.organisation or att.claim.speaker
    if org is None or org.type not in _STATE:
        return None
    if not _BLAME.search(body, c.start, c.end):
        return None
    perp = c.actor
    if perp is not None and (perp.actor.type not in _STATEISH or perp.actor.country == org.country):
        return None
    if perp is None and cls != "shield":
        return None
    return speaker_m, perp


def extract_events(
    body: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    actors: tuple[ActorMention, ...],
    places: tuple[PlaceMention, ...],
    published: PublishedDate,
    classifier: EventClassifier,
    *,
    language: str = "en",
    dictionary=None,
) -> tuple[tuple[Event, ...], tuple[Flag, ...]]:
    """Extract the events an article reports, merged within the article, and its inconsistency flags.

    Args:
        body (str): ``Article.body``.
        sentences (Sequence[Sentence]): its sentence spans.
        mentions (Sequence[Mention]): spaCy entity mentions (kept for the stage contract; unused).
        actors (tuple[ActorMention, ...]): canonical actor mentions (``resolve_actors``).
        places (tuple[PlaceMention, ...]): resolved place mentions (``geoparse``).
        published (PublishedDate): the publication date (any precision, possibly no year).
        classifier (EventClassifier): the event-type classifier (both heads loaded).
        language (str): the article language; anything but "en" is skipped with a flag.
        dictionary (ActorDictionary | None): the actor dictionary: gives a person's organisation and
            the attribution-conflict flags (``crosswire.actors.inconsistencies``).
    RETURNS (tuple[tuple[Event, ...], tuple[Flag, ...]]): events in order of first mention, and flags.
    Raises:
        ModelError: when a classifier head is missing.
    """
    if (language or "en").split("-")[0].lower() != "en":
        return (), (Flag("skipped-language", f"events are extracted from English text only; the article language is {language!r}", ()),)
    conflicts = ()
    if dictionary is not None:
        from ..actors import inconsistencies

        conflicts = inconsistencies(actors, body, tuple(sentences), dictionary)
    flags = tuple(
        Flag(
            "attribution-conflict",
            x.message,
            (Span(x.first.start, x.first.end, x.first.text), Span(x.second.start, x.second.end, x.second.text)),
        )
        for x in conflicts
    )
    flagged = {(x.first.start, x.first.end) for x in conflicts}
    by_id: dict[str, Actor] = {m.actor.id: m.actor for m in actors}

    def parent_of(aid: str) -> Actor | None:
        if dictionary is not None and aid in dictionary.actors:
            return dictionary.actors[aid]
        return by_id.get(aid)

    actors_sorted = sorted(actors, key=lambda m: m.start)
    a_starts = [m.start for m in actors_sorted]
    places_sorted = sorted(places, key=lambda p: p.start)
    p_starts = [p.start for p in places_sorted]
    sents = list(sentences) or [Sentence(0, len(body))]
    s_starts = [s.start for s in sents]

    def sentence_end(pos: int) -> int:
        return sents[max(bisect.bisect_right(s_starts, pos) - 1, 0)].end

    def sentence_start(pos: int) -> int:
        return sents[max(bisect.bisect_right(s_starts, pos) - 1, 0)].start

    def within(items, starts, lo, hi):
        return items[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]

    quotes = find_quotes(body)
    clauses = clauses_of(body, sents)
    secondary: dict[int, Clause] = {}  # id(primary clause) -> the supporting force's strike in it
    previous_claim: Claim | None = None
    previous: Clause | None = None
    for c in clauses:
        near = within(actors_sorted, a_starts, c.start - 300, min(c.end, c.start + _TRIGGER_LIMIT) + 300)
        att = attribute(
            body, c.start, c.end, near, quotes,
            sentence_end=sentence_end, sentence_start=sentence_start, previous=previous_claim, parent_of=parent_of,
        )  # fmt: skip
        c.attribution = att
        if att is not None:
            previous_claim = att.claim
        region = att.region if att is not None else None
        found = _find_trigger(body, c, region)
        if found is not None or att is not None:
            # only an event's clause, or an attributed clause that extends one (``_extend``), reports numbers
            c.quantities = find_quantities(body, c.start, min(c.end, c.start + _TRIGGER_LIMIT))
        if found is not None:
            own = [m for m in near if c.start <= m.start and m.end <= c.end and m.confidence >= 0.4]
            used = {id(m) for m in att.mentions} if att else set()
            cands = [
                m
                for m in own
                if id(m) not in used
                and not (region and region[0] <= m.start < region[1])
                and not re.match(r"-(?:backed|led|allied)\b", body[m.end : m.end + 8])  # "US-backed militants": a modifier
            ]
            c.trigger_class, c.trigger = found
            c.actor, c.target = _roles(body, c, cands, c.trigger, c.trigger_class)
            if c.trigger_class in _NO_TARGET:
                c.target = None
            if c.target is None and c.trigger_class not in _NO_TARGET and c.trigger_class != "accuse":
                c.target = _generic_target(body, c, c.trigger, within(actors_sorted, a_starts, 0, c.trigger.start))
            if c.target is None and c.trigger_class in _STATE_TARGETS and dictionary is not None:
                c.target = _country_target(body, c, within(places_sorted, p_starts, c.trigger.end, c.end), dictionary)
            c.place = _place(c, within(places_sorted, p_starts, c.start, c.end), own, c.trigger, region)
            c.date = _choose_date(body, c, c.trigger, published, region)
            c.modality = _modality(body, c, c.trigger, c.trigger_class, att)
            acc = _accusation(c, att, c.trigger_class, body, parent_of)
            if acc is not None:
                c.accusation = True
                c.actor, c.target = acc
            elif c.trigger_class == "shield":
                c.trigger_class = None  # an unattributed "human shields" headline reports no event
            support = _support(body, c, cands, region)
            if support is not None:
                secondary[id(c)] = support
        if c.date is None and previous is not None and previous.date is not None and "\n" not in body[previous.end : c.start]:
            d = previous.date
            c.date = EventDate(d.year, d.month, d.day, d.expression, f"inherited from the previous sentence of the paragraph; {d.resolution}")
        previous = c

    if secondary:
        clauses = [x for c in clauses for x in ((c, secondary[id(c)]) if id(c) in secondary else (c,))]
    events_clauses = [c for c in clauses if c.trigger_class is not None]
    texts = [body[c.start : min(c.end, c.start + 4000)] for c in events_clauses]
    # one batched encoding of the clauses serves both heads (None: no encoder, sparse weights only)
    vecs = classifier.embed(texts) if texts and classifier.uses_embeddings else None
    case_preds = classifier.classify(texts, scheme="case2021", labels=CASE_SUBTASK_LABELS[1], embeddings=vecs) if texts else []
    plv_preds = classifier.classify(texts, scheme="plover", embeddings=vecs) if texts else []
    typed = {id(c): _type("accuse" if c.accusation else c.trigger_class, c.actor, cp, pp) for c, cp, pp in zip(events_clauses, case_preds, plv_preds)}

    drafts: list[_Draft] = []
    last_draft_of: dict[int, _Draft] = {}
    for k, c in enumerate(clauses):
        if c.trigger_class is None:
            _extend(c, k, clauses, last_draft_of)
            continue
        code, root, mode, reliable, conf = typed[id(c)]
        family = "accuse" if c.accusation else _FAMILY.get(c.trigger_class, c.trigger_class)
        claim = c.attribution.claim if c.attribution else None
        target = next((d for d in reversed(drafts) if _compatible(d, family, c, k)), None)
        if target is None:
            target = _Draft(family=family, case=code, plover=root, plover_mode=mode, reliable=reliable, confidence=conf)
            drafts.append(target)
        _absorb(target, c, claim)
        target.last = k
        last_draft_of[k] = target
    # An event with no actor, target, place or number tells an analyst nothing and is mostly a trigger
    # word used figuratively ("critics attacked the plan", "fight for jobs"): leave it out.
    kept = [d for d in drafts if d.actor is not None or d.target is not None or d.place is not None or d.quantities]
    events = tuple(_event(i, d, body, flagged) for i, d in enumerate(kept, 1))
    return events, flags


def _same_actor(a: ActorMention | None, b: ActorMention | None) -> bool:
    if a is None or b is None:
        return True
    x, y = a.actor, b.actor
    return x.id == y.id or x.parent == y.id or y.parent == x.id or (x.parent is not None and x.parent == y.parent and x.type is y.type)


def _compatible(d: _Draft, family: str, c: Clause, k: int) -> bool:
    if d.family != family:
        return False
    same_place = d.place is not None and c.place is not None and d.place.place is not None and c.place.place is not None
    if not same_place and k - d.last > MERGE_WINDOW:
        return False  # nothing but the class ties them: only neighbouring clauses merge
    first = d.clauses[0]
    if (first.modality is Modality.NEGATED) != (c.modality is Modality.NEGATED):
        return False
    if d.place is not None and c.place is not None and d.place.place is not None and c.place.place is not None:
        if d.place.place.id != c.place.place.id:
            return False
    if not _same_actor(d.actor, c.actor):
        return False
    if d.date is not None and c.date is not None:
        for a, b in ((d.date.year, c.date.year), (d.date.month, c.date.month), (d.date.day, c.date.day)):
            if a is not None and b is not None and a != b:
                return False
    return True


def _absorb(d: _Draft, c: Clause, claim: Claim | None) -> None:
    d.clauses.append(c)
    d.actor = d.actor or c.actor
    d.target = d.target or c.target
    d.place = d.place or c.place
    d.date = d.date or c.date
    d.quantities.extend(q for q in c.quantities if all(q.span != x.span for x in d.quantities))
    if claim is not None:
        d.claims.append(claim)


def _extend(c: Clause, k: int, clauses: list[Clause], last_draft_of: dict[int, _Draft]) -> None:
    """A clause with numbers but no trigger, from the same source as the event just before, extends it."""
    if not c.quantities or k == 0 or (k - 1) not in last_draft_of or c.attribution is None:
        return
    d = last_draft_of[k - 1]
    prev = clauses[k - 1].attribution
    if prev is None:
        return
    a, b = prev.claim, c.attribution.claim

    def ids(x: Claim) -> set[str]:
        return {y.id for y in (x.speaker, x.organisation) if y is not None}

    if not (ids(a) & ids(b) or (a.speaker_label == b.speaker_label and a.chain == b.chain)):
        return
    d.clauses.append(c)
    d.quantities.extend(c.quantities)
    last_draft_of[k] = d


def _named_speaker(claim: Claim | None, claims: Sequence[Claim]) -> Claim | None:
    """ "the Russian military said …", then "Konashenkov, the spokesman for the Russian military, said …"
    about the same event: the claim names the person who speaks for the organisation (same origin,
    more precise). Any other claim stays as it is."""
    if claim is None or claim.speaker is None or claim.speaker.type is ActorType.PERSON:
        return claim
    org = claim.speaker.id
    return next(
        (x for x in claims if x.speaker is not None and x.speaker.type is ActorType.PERSON and x.organisation is not None
         and x.organisation.id == org),
        claim,
    )  # fmt: skip


def _event(i: int, d: _Draft, body: str, flagged: set[tuple[int, int]]) -> Event:
    first = d.clauses[0]
    # an attribution the actor stage flags as inconsistent yields to the next one
    claim = next((x for x in d.claims if (x.span.start, x.span.end) not in flagged and not any(
        s <= x.span.start < e for s, e in flagged)), d.claims[0] if d.claims else None)
    claim = _named_speaker(claim, d.claims)
    modality = first.modality
    if claim is not None and modality is Modality.ASSERTED:
        modality = Modality.CLAIMED
    tax = CASE_TAXONOMY.get(d.case) if d.case else None
    acled_type = tax.acled_type if tax else None
    acled_sub = tax.acled_sub_type if tax else None
    conf = d.confidence
    if d.actor is None:
        conf *= 0.8
    conf = round(min(0.95, conf * (1.0 if d.reliable else 0.8) + 0.05 * (len(d.clauses) - 1)), 3)
    evidence = tuple(Span(c.start, c.end, body[c.start : c.end]) for c in d.clauses)
    return Event(
        id=f"e{i}",
        acled_type=acled_type,
        acled_subtype=acled_sub,
        plover_root=d.plover,
        plover_mode=d.plover_mode,
        actor=d.actor,
        target=d.target,
        place=d.place,
        date=d.date,
        quantities=tuple(d.quantities),
        modality=modality,
        claim=claim,
        trigger=first.trigger,
        evidence=evidence,
        confidence=conf,
        reliable=d.reliable,
        claims=tuple(d.claims),
    )
