"""The learned candidate ranker: features of (mention, candidate, article) and a linear model.

The model is two (three) linear scorers trained by ``scripts/train_geo_ranker.py`` and shipped as
plain JSON (``ranker.json``: feature names, standardisation, coefficients; no pickle). Run time
needs numpy only.

* **pass 1** scores candidates from the name match, the candidate's own facts (population,
  feature code) and the article's country/admin1 context;
* **pass 2** adds the distance from each candidate to the pass-1 choices for the *other* names in
  the article (places named together lie near each other), and the coherence features: the
  article's home country and admin1 weighted by the pass-1 probabilities, and how many other names
  have a candidate nearby;
* **pass 3** (optional in the file) recomputes those pass-2 features from the pass-2 probabilities
  and scores again: a name that pass 1 got wrong no longer misleads its neighbours.

Both passes are conditional logits (a softmax over one name's candidates, trained on the rank of
the gold candidate). The reported confidence comes from a third model over the pass-2 features,
trained with a "none of these" option (``Ranker.confidences``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import CrosswireError
from .distance import haversine

#: Feature-code groups, one indicator each (GeoNames codes; "SUP" = curated supplement).
FCODE_GROUPS = (
    "PCL", "CONT", "ADM1", "ADM2", "ADM3", "PPLC", "PPLA", "PPLA2", "PPLA3", "PPL", "PPLX", "H", "T", "S",
    "L", "OTHER", "SUP",
)
MATCHES = ("exact", "key", "skeleton", "fuzzy", "demonym", "partial")
CUES = ("admin1", "admin2", "city", "camp", "site", "region")

#: Pass-1 features; pass 2 appends DISTANCE_FEATURES.
BASE_FEATURES: tuple[str, ...] = (
    ("log_pop", "pop_is_max", "pop_rank_inv", "log_pop_gap", "zero_pop", "name_is_canonical", "single_candidate",
     "edits")
    + tuple(f"fc_{g}" for g in FCODE_GROUPS)
    + tuple(f"match_{m}" for m in MATCHES)
    + ("cue_admin_x_adm1", "cue_admin_x_admin", "cue_admin_x_ppl", "cue_city_x_ppl", "cue_city_x_admin",
       "cue_site_x_site", "cue_region_x_l", "nocue_x_ppl", "nocue_x_adm1", "multiword_x_ppl", "upper_x_pcl",
       "admin_word_x_admin", "nocue_x_ppl_seat", "nocue_x_adm1_with_seat")
    + ("ctx_country_any", "ctx_country_top", "country_named", "admin1_named", "ctx_admin1_any", "in_named_country_x_ppl",
       "ctx_country_top_x_ppl")
    + ("pop_share", "admin1_in_text", "country_in_text", "qualified", "qualified_x_adm1")
)
DISTANCE_FEATURES: tuple[str, ...] = ("has_ctx", "log_min_km", "min_km_le_50", "min_km_le_300", "mean_log_km",
                                      "ctx_share_le_300")
#: Pass-2 features from the pass-1 *probabilities* of the other names: the article's home country
#: and admin1 (confidence-weighted, leave-one-out) and the weight of other names' candidates nearby.
COHERENCE_FEATURES: tuple[str, ...] = ("home_country", "home_admin1", "near_w_50", "near_w_200", "near_any_25",
                                       "near_any_log")
PASS2_FEATURES = DISTANCE_FEATURES + COHERENCE_FEATURES
ALL_FEATURES = BASE_FEATURES + PASS2_FEATURES
_INDEX = {n: i for i, n in enumerate(ALL_FEATURES)}
_DISTANCE_COLS = [_INDEX[f] for f in DISTANCE_FEATURES]
_UPPER_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")
_ADMIN_WORD_END = re.compile(r"\b(?:County|Parish|Province|State|Governorate|District|Region)$")


def fcode_group(place) -> str:
    """The feature-code group of a place (see ``FCODE_GROUPS``).

    Args:
        place (Place): a gazetteer entry.
    RETURNS (str): the group name.
    """
    code, cls = place.feature_code or "", place.feature_class or ""
    if place.source == "supplement":
        return "SUP"
    if code.startswith("PCL") or code == "TERR":
        return "PCL"
    if code in ("CONT", "ADM1", "ADM2", "PPLC", "PPLA", "PPLA2", "PPL"):
        return code
    if code in ("ADM3", "ADM4", "ADM5", "ADMD", "ADM1H", "ADM2H"):
        return "ADM3"
    if code in ("PPLA3", "PPLA4", "PPLA5"):
        return "PPLA3"
    if cls == "P":
        return "PPLX"
    if cls in ("H", "T", "S", "L"):
        return cls
    return "OTHER"


@dataclass(frozen=True, slots=True)
class MentionContext:
    """What the features of one mention's candidates need besides the candidates themselves.

    ``countries_any``/``countries_top`` count, over the article's *other* distinct names, how many
    have a candidate in a country (any candidate / the most populous one); ``n_other`` is their
    number. ``named_countries`` are countries named in the article, ``named_admin1`` (country,
    admin1 name) pairs of admin1 areas named in it, ``admin1_any`` counts (country, admin1) over
    the other names' candidates. The text evidence (``evidence.py``): ``admin1_in_text`` and
    ``countries_in_text`` are the candidates' (country, admin1) and countries whose names occur in
    the text outside this name's mentions, ``qualifier_admin1``/``qualifier_countries`` those
    written right after a mention and a comma ("Paris, Tenn.").
    """

    text: str
    cue: str | None
    countries_any: dict[str, int]
    countries_top: dict[str, int]
    n_other: int
    named_countries: frozenset[str]
    named_admin1: frozenset[tuple[str, str]]
    admin1_any: dict[tuple[str, str], int]
    demonym_country: str | None = None
    admin1_in_text: frozenset[tuple[str, str]] = frozenset()
    countries_in_text: frozenset[str] = frozenset()
    qualifier_admin1: frozenset[tuple[str, str]] = frozenset()
    qualifier_countries: frozenset[str] = frozenset()


def base_features(cands: Sequence, ctx: MentionContext) -> np.ndarray:
    """Pass-1 feature rows for one mention's candidates (distance features left at 0).

    Args:
        cands (Sequence[Candidate]): the gazetteer candidates.
        ctx (MentionContext): the mention and its article context.
    RETURNS (ndarray): shape (len(cands), len(ALL_FEATURES)).
    """
    if not cands:
        return np.zeros((0, len(ALL_FEATURES)), dtype=np.float64)
    pops = np.array([max(0, c.place.population or 0) for c in cands], dtype=np.float64)
    lp = np.log1p(pops)
    order = np.argsort(-pops, kind="stable")
    rank = np.empty(len(cands), dtype=np.int64)
    rank[order] = np.arange(len(cands))
    # the rows are built as lists of Python floats (the same doubles numpy computes) and turned into
    # an array once: setting numpy items one by one costs more than the arithmetic
    pops_l, lp_l, rank_l = pops.tolist(), lp.tolist(), rank.tolist()
    lp_max = float(lp.max())
    pop_sum = float(pops.sum())
    text_cf = ctx.text.casefold()
    n_other = max(1, ctx.n_other)
    multiword = len(ctx.text.split()) > 1
    upper = ctx.text.isupper() or bool(_UPPER_DOTTED.fullmatch(ctx.text))
    admin_word = bool(_ADMIN_WORD_END.search(ctx.text))
    cue_admin = ctx.cue in ("admin1", "admin2")
    # "Deir ez-Zor" alone is usually the city, "Deir ez-Zor province" the governorate: mark a populated
    # place and an ADM1 of the same name that contains it, when both are candidates.
    adm1_areas = {(c.place.country, c.place.admin1 or c.place.name) for c in cands if fcode_group(c.place) == "ADM1"}
    ppl_areas = {(c.place.country, c.place.admin1) for c in cands if c.place.feature_class == "P"}
    ix = _INDEX
    n_features = len(ALL_FEATURES)
    rows = []
    for i, c in enumerate(cands):
        p = c.place
        g = fcode_group(p)
        row = [0.0] * n_features
        row[ix["log_pop"]] = lp_l[i] / 10.0
        row[ix["pop_is_max"]] = float(rank_l[i] == 0 and pops_l[i] > 0)
        row[ix["pop_rank_inv"]] = 1.0 / (1 + rank_l[i])
        row[ix["log_pop_gap"]] = (lp_max - lp_l[i]) / 10.0
        row[ix["zero_pop"]] = float(pops_l[i] == 0)
        row[ix["name_is_canonical"]] = float((p.name or "").casefold() == text_cf)
        row[ix["single_candidate"]] = float(len(cands) == 1)
        row[ix["edits"]] = min(3, getattr(c, "edits", 0) or 0) / 3.0
        row[ix[f"fc_{g}"]] = 1.0
        match = c.match if c.match in MATCHES else "fuzzy"
        row[ix[f"match_{match}"]] = 1.0
        is_ppl = p.feature_class == "P"
        is_admin = p.feature_class == "A" and g != "PCL"
        row[ix["cue_admin_x_adm1"]] = float(cue_admin and g == "ADM1")
        row[ix["cue_admin_x_admin"]] = float(cue_admin and is_admin)
        row[ix["cue_admin_x_ppl"]] = float(cue_admin and is_ppl)
        row[ix["cue_city_x_ppl"]] = float(ctx.cue == "city" and is_ppl)
        row[ix["cue_city_x_admin"]] = float(ctx.cue == "city" and p.feature_class == "A")
        row[ix["cue_site_x_site"]] = float(ctx.cue in ("camp", "site") and g in ("S", "SUP"))
        row[ix["cue_region_x_l"]] = float(ctx.cue == "region" and g in ("L", "T", "ADM1"))
        row[ix["nocue_x_ppl"]] = float(ctx.cue is None and is_ppl)
        row[ix["nocue_x_adm1"]] = float(ctx.cue is None and g == "ADM1")
        row[ix["multiword_x_ppl"]] = float(multiword and is_ppl)
        row[ix["upper_x_pcl"]] = float(upper and g == "PCL")
        row[ix["admin_word_x_admin"]] = float(admin_word and is_admin)
        row[ix["nocue_x_ppl_seat"]] = float(ctx.cue is None and is_ppl and (p.country, p.admin1) in adm1_areas)
        row[ix["nocue_x_adm1_with_seat"]] = float(
            ctx.cue is None and g == "ADM1" and (p.country, p.admin1 or p.name) in ppl_areas
        )
        country = p.country or ""
        row[ix["ctx_country_any"]] = ctx.countries_any.get(country, 0) / n_other
        ctx_top = ctx.countries_top.get(country, 0) / n_other
        row[ix["ctx_country_top"]] = ctx_top
        named = country in ctx.named_countries and g != "PCL"
        row[ix["country_named"]] = float(named)
        row[ix["admin1_named"]] = float((country, p.admin1 or "") in ctx.named_admin1 and g != "ADM1")
        row[ix["ctx_admin1_any"]] = ctx.admin1_any.get((country, p.admin1 or ""), 0) / n_other
        row[ix["in_named_country_x_ppl"]] = float(named and is_ppl)
        row[ix["ctx_country_top_x_ppl"]] = ctx_top * float(is_ppl)
        row[ix["pop_share"]] = pops_l[i] / pop_sum if pop_sum > 0 else 0.0
        a1 = (country, p.admin1 or "")
        row[ix["admin1_in_text"]] = float(g not in ("ADM1", "PCL", "CONT") and a1 in ctx.admin1_in_text)
        row[ix["country_in_text"]] = float(g not in ("PCL", "CONT") and country in ctx.countries_in_text)
        qualified = (g not in ("ADM1", "PCL", "CONT") and a1 in ctx.qualifier_admin1) or (
            g not in ("PCL", "CONT") and country in ctx.qualifier_countries)
        row[ix["qualified"]] = float(qualified)
        row[ix["qualified_x_adm1"]] = float(g == "ADM1" and (country, p.name) in ctx.qualifier_admin1)
        if ctx.demonym_country is not None and g == "PCL" and country == ctx.demonym_country:
            row[ix["match_demonym"]] = 1.0
        rows.append(row)
    return np.array(rows, dtype=np.float64)


def add_distance_features(X: np.ndarray, cands: Sequence, anchors: Sequence[tuple[float, float]]) -> np.ndarray:
    """Fill the pass-2 distance features from the points chosen for the article's other names.

    Args:
        X (ndarray): the pass-1 rows (modified in place and returned).
        cands (Sequence[Candidate]): the candidates, in row order.
        anchors (Sequence[tuple[float, float]]): (lat, lon) of the other names' pass-1 choices.
    RETURNS (ndarray): X.
    """
    X[:, _DISTANCE_COLS] = 0.0
    if not cands or not anchors:
        return X
    lat = np.array([c.place.lat for c in cands])[:, None]
    lon = np.array([c.place.lon for c in cands])[:, None]
    alat = np.array([a[0] for a in anchors])[None, :]
    alon = np.array([a[1] for a in anchors])[None, :]
    return _fill_distance_features(X, haversine(lat, lon, alat, alon))


def add_article_distance_features(
    Xs: Sequence[np.ndarray], cands: Sequence[Sequence], texts: Sequence[str], points: Sequence[tuple[str, float, float]]
) -> None:
    """``add_distance_features`` for every name of an article, from one distance matrix.

    The distances from all the article's candidates to all the names' pass-1 choices are computed
    at once (one ``haversine`` call instead of one per name, each a dozen numpy calls on a few
    dozen numbers); each name then reads the columns of the choices of names with another text.

    Args:
        Xs (Sequence[ndarray]): each name's feature rows (modified in place).
        cands (Sequence[Sequence[Candidate]]): each name's candidates, in row order.
        texts (Sequence[str]): each name's text, casefolded.
        points (Sequence[tuple[str, float, float]]): (casefolded text, lat, lon) of each pass-1
            choice, in the names' order.
    """
    lat = np.array([c.place.lat for group in cands for c in group])
    lon = np.array([c.place.lon for group in cands for c in group])
    d = None
    if len(lat) and points:
        alat = np.array([p[1] for p in points])[None, :]
        alon = np.array([p[2] for p in points])[None, :]
        d = haversine(lat[:, None], lon[:, None], alat, alon)
    r = 0
    for X, group, own in zip(Xs, cands, texts):
        m = len(group)
        others = [j for j, p in enumerate(points) if p[0] != own]
        if d is not None and m and others:
            # take() gives a C-ordered block, as one name's own matrix is: the row means then add
            # in the same order (d[rows][:, cols] would be column-major and round differently)
            _fill_distance_features(X, d[r : r + m].take(others, axis=1))
        else:
            X[:, _DISTANCE_COLS] = 0.0
        r += m


def _fill_distance_features(X: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Set every distance feature of X from d, (candidates, anchors) great-circle distances in km."""
    dmin = d.min(axis=1)
    X[:, _INDEX["has_ctx"]] = 1.0
    X[:, _INDEX["log_min_km"]] = np.log1p(dmin) / 10.0
    X[:, _INDEX["min_km_le_50"]] = (dmin <= 50).astype(float)
    X[:, _INDEX["min_km_le_300"]] = (dmin <= 300).astype(float)
    X[:, _INDEX["mean_log_km"]] = np.log1p(d).mean(axis=1) / 10.0
    X[:, _INDEX["ctx_share_le_300"]] = (d <= 300).mean(axis=1)
    return X


#: Feature groups whose single point says little about where their parts are.
BIG_AREAS = frozenset({"PCL", "CONT", "ADM1"})
#: Candidates per other name that count as its possible readings for ``near_any_*`` (the candidate limit: all).
NEAR_ANY_TOP = 30


def coherence_features(
    cands: Sequence[Sequence], texts: Sequence[str], probs: Sequence[np.ndarray | None]
) -> list[np.ndarray]:
    """The pass-2 coherence features of every name of an article, from the pass-1 probabilities.

    Each other name spreads one unit of weight over its candidates (its pass-1 probabilities), so
    a name the first pass is unsure of still says "somewhere in Tennessee" when most of its
    candidates are there. Names of the same text (cue variants) are not evidence for each other.

    * ``home_country`` / ``home_admin1``: the share of that weight in the candidate's country /
      (country, admin1), averaged over the other names;
    * ``near_w_50`` / ``near_w_200``: the share within 50 / 200 km of the candidate (candidates
      under 1 % left out);
    * ``near_any_25`` / ``near_any_log``: over the other names, the share that has *any* reading
      within 25 km, and the mean log distance to each name's nearest reading (its likeliest
      candidates, countries and admin1 areas left out): "Paris" and "Henry County" both have a
      Tennessee reading 20 km apart, whatever pass 1 preferred.

    Args:
        cands (Sequence[Sequence[Candidate]]): each name's candidates.
        texts (Sequence[str]): each name's text, casefolded.
        probs (Sequence[ndarray | None]): each name's pass-1 probabilities (None: no evidence).
    RETURNS (list[ndarray]): per name, shape (len(cands), len(COHERENCE_FEATURES)).
    """
    k = {f: i for i, f in enumerate(COHERENCE_FEATURES)}
    out = [np.zeros((len(c), len(COHERENCE_FEATURES))) for c in cands]
    tid: dict[str, int] = {}
    text_of = [tid.setdefault(t, len(tid)) for t in texts]
    active = [g for g in range(len(cands)) if probs[g] is not None and len(cands[g])]
    if not active:
        return out
    n_text = len(tid)
    # Weighted readings of each active name.
    e_lat, e_lon, e_w, e_t = [], [], [], []
    country_w: list[dict[str, float]] = [{} for _ in range(n_text)]
    admin1_w: list[dict[tuple[str, str], float]] = [{} for _ in range(n_text)]
    s_lat, s_lon, s_t = [], [], []
    n_groups = np.zeros(n_text)
    for g in active:
        t = text_of[g]
        n_groups[t] += 1
        p = probs[g]
        cw, aw = country_w[t], admin1_w[t]
        for c, w in zip(cands[g], p.tolist()):  # Python floats: the same doubles as float(p[i])
            pl = c.place
            cc = pl.country or ""
            cw[cc] = cw.get(cc, 0.0) + w
            key = (cc, pl.name if pl.feature_code == "ADM1" else (pl.admin1 or ""))
            aw[key] = aw.get(key, 0.0) + w
            if w >= 0.01:
                e_lat.append(pl.lat)
                e_lon.append(pl.lon)
                e_w.append(w)
                e_t.append(t)
        for j in np.argsort(-p, kind="stable")[:NEAR_ANY_TOP]:
            pl = cands[g][j].place
            if fcode_group(pl) not in BIG_AREAS:
                s_lat.append(pl.lat)
                s_lon.append(pl.lon)
                s_t.append(t)
    total_n = n_groups.sum()
    country_all: dict[str, float] = {}
    admin1_all: dict[tuple[str, str], float] = {}
    for t in range(n_text):
        for key, w in country_w[t].items():
            country_all[key] = country_all.get(key, 0.0) + w
        for key, w in admin1_w[t].items():
            admin1_all[key] = admin1_all.get(key, 0.0) + w
    e_w_arr, e_t_arr = np.array(e_w), np.array(e_t, dtype=np.int64)
    s_t_arr = np.array(s_t, dtype=np.int64)
    has_pts = np.zeros(n_text, dtype=bool)
    has_pts[s_t_arr] = True
    rows = [g for g in range(len(cands)) if len(cands[g])]
    if not rows:
        return out
    lat = np.array([c.place.lat for g in rows for c in cands[g]])
    lon = np.array([c.place.lon for g in rows for c in cands[g]])
    row_t = np.array([text_of[g] for g in rows for _ in cands[g]], dtype=np.int64)
    near50 = near200 = None
    if e_w:
        d = haversine(lat[:, None], lon[:, None], np.array(e_lat)[None, :], np.array(e_lon)[None, :])
        wm = np.where(row_t[:, None] != e_t_arr[None, :], e_w_arr[None, :], 0.0)
        near50 = ((d <= 50) * wm).sum(axis=1)
        near200 = ((d <= 200) * wm).sum(axis=1)
    any25 = anylog = None
    if s_t:
        order = np.argsort(s_t_arr, kind="stable")
        st = s_t_arr[order]
        d = haversine(lat[:, None], lon[:, None], np.array(s_lat)[order][None, :], np.array(s_lon)[order][None, :])
        starts = np.flatnonzero(np.r_[True, st[1:] != st[:-1]])
        dmin = np.minimum.reduceat(d, starts, axis=1)  # rows x texts with points
        col_t = st[starts]
        other = row_t[:, None] != col_t[None, :]
        n_pt = other.sum(axis=1)
        any25 = np.where(n_pt > 0, ((dmin <= 25) & other).sum(axis=1) / np.maximum(n_pt, 1), 0.0)
        anylog = np.where(n_pt > 0, (np.log1p(dmin) / 10.0 * other).sum(axis=1) / np.maximum(n_pt, 1), 0.0)
    r = 0
    for g in rows:
        t = text_of[g]
        n = total_n - n_groups[t]
        m = len(cands[g])
        X = out[g]
        if n > 0:
            nf, cw, aw = float(n), country_w[t], admin1_w[t]
            home_country, home_admin1 = [], []  # one column each, set at once (X starts at 0)
            for c in cands[g]:
                pl = c.place
                cc = pl.country or ""
                home_country.append((country_all.get(cc, 0.0) - cw.get(cc, 0.0)) / nf)
                key = (cc, pl.name if pl.feature_code == "ADM1" else (pl.admin1 or ""))
                home_admin1.append((admin1_all.get(key, 0.0) - aw.get(key, 0.0)) / nf if key[1] else 0.0)
            X[:, k["home_country"]] = home_country
            X[:, k["home_admin1"]] = home_admin1
            if near50 is not None:
                X[:, k["near_w_50"]] = near50[r : r + m] / n
                X[:, k["near_w_200"]] = near200[r : r + m] / n
        if any25 is not None:
            X[:, k["near_any_25"]] = any25[r : r + m]
            X[:, k["near_any_log"]] = anylog[r : r + m]
        r += m
    return out


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic regression over standardised features: ``w · (x - mean) / scale + b``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    #: The positions of ``features`` in ``ALL_FEATURES`` (None when one is unknown: ``logits`` raises).
    _cols: list[int] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            cols = [_INDEX[f] for f in self.features]
        except KeyError:
            cols = None
        object.__setattr__(self, "_cols", cols)

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Scores for feature rows laid out as ``ALL_FEATURES``.

        Args:
            X (ndarray): shape (n, len(ALL_FEATURES)).
        RETURNS (ndarray): shape (n,).
        """
        cols = self._cols if self._cols is not None else [_INDEX[f] for f in self.features]
        Z = (X[:, cols] - self.mean) / self.scale
        return Z @ self.coef + self.intercept

    def to_dict(self) -> dict[str, object]:
        """RETURNS (dict): the JSON-ready weights."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
        }

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        """Rebuild from ``to_dict`` output.

        Args:
            d (dict): the weights.
        RETURNS (LinearModel): the model.
        Raises:
            KeyError, ValueError: when the dict is malformed.
        """
        feats = tuple(d["features"])
        unknown = [f for f in feats if f not in _INDEX]
        if unknown:
            raise ValueError(f"unknown features {unknown}")
        arrays = [np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(feats),) for a in arrays):
            raise ValueError("mean/scale/coef lengths do not match the feature list")
        return cls(feats, arrays[0], arrays[1], arrays[2], float(d["intercept"]))


@dataclass(frozen=True, slots=True)
class Ranker:
    """The candidate ranker: two or three passes and a confidence model (see the module docstring).

    Load it once per process with ``Ranker.load()``.
    """

    pass1: LinearModel
    pass2: LinearModel
    meta: dict
    confidence: LinearModel | None = None
    pass3: LinearModel | None = None

    @property
    def final(self) -> LinearModel:
        """RETURNS (LinearModel): the model whose argmax is the answer (pass 3 when there is one)."""
        return self.pass3 if self.pass3 is not None else self.pass2

    @classmethod
    def load(cls, path: str | Path | None = None) -> Ranker:
        """Load the weights: the packaged ``ranker.json`` when ``path`` is None.

        Args:
            path (str | Path | None): a weights file written by the training script.
        RETURNS (Ranker): the ranker.
        Raises:
            CrosswireError: when the file is missing or malformed, with the command that rebuilds it.
        """
        try:
            if path is None:
                text = resources.files("crosswire.places").joinpath("ranker.json").read_text("utf-8")
            else:
                text, _where = Path(path).read_text("utf-8"), str(path)
            d = json.loads(text)
            conf = LinearModel.from_dict(d["confidence"]) if d.get("confidence") else None
            pass3 = LinearModel.from_dict(d["pass3"]) if d.get("pass3") else None
            return cls(
                LinearModel.from_dict(d["pass1"]), LinearModel.from_dict(d["pass2"]), dict(d.get("meta", {})), conf,
                pass3,
            )
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise CrosswireError(
                f"Cannot load the geo ranker weights ({exc}). Rebuild them with `make train` "
                f"(python scripts/train_geo_ranker.py)."
            ) from exc

    def to_dict(self) -> dict[str, object]:
        """RETURNS (dict): the JSON document ``load`` reads."""
        d: dict[str, object] = {"version": 2, "pass1": self.pass1.to_dict(), "pass2": self.pass2.to_dict()}
        if self.pass3 is not None:
            d["pass3"] = self.pass3.to_dict()
        if self.confidence is not None:
            d["confidence"] = self.confidence.to_dict()
        d["meta"] = self.meta
        return d

    def confidences(self, X: np.ndarray) -> np.ndarray:
        """How likely each candidate is right, with "none of them" as an option.

        ``exp(z_j) / (1 + sum_k exp(z_k))`` of the confidence model, which is trained with a null
        option on names whose gold place is no candidate, so a lone weak match stays unlikely.
        Without that model (weights of version 1), the softmax of pass 2 capped by the pointwise
        sigmoid of the best score.

        Args:
            X (ndarray): one name's feature rows (pass-2 features filled).
        RETURNS (ndarray): one probability per candidate (summing to at most 1).
        """
        if self.confidence is not None:
            z = self.confidence.logits(X)
            m = max(float(z.max()), 0.0)
            e = np.exp(z - m)
            return e / (e.sum() + math.exp(-m))
        z = self.pass2.logits(X)
        probs = softmax(z)
        i = int(np.argmax(probs))
        pointwise = 1.0 / (1.0 + np.exp(-z[i]))
        return probs * min(1.0, pointwise / max(probs[i], 1e-9))


def softmax(z: np.ndarray) -> np.ndarray:
    """RETURNS (ndarray): the softmax of a score vector (stable)."""
    if z.size == 0:
        return z
    e = np.exp(z - z.max())
    return e / e.sum()


def log_km(d: float) -> float:
    """RETURNS (float): ln(1 + d)."""
    return math.log1p(d)
