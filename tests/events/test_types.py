"""The event taxonomies: CASE 2021 labels, ACLED types, PLOVER roots and the mappings between them."""

from __future__ import annotations

import pytest

from crosswire.events.types import (
    ACLED_SUB_EVENT_TYPES,
    ACLED_TYPES,
    CASE_LABELS,
    CASE_SUBTASK_LABELS,
    CASE_TAXONOMY,
    PLOVER_MODES,
    PLOVER_QUAD,
    PLOVER_ROOTS,
    PLOVER_V05_TO_ROOT,
    Quad,
    binary_of,
    quad_of,
)


def test_types_acled_has_6_types_and_25_sub_event_types():
    assert len(ACLED_TYPES) == 6
    assert len(ACLED_SUB_EVENT_TYPES) == 25


def test_types_case_subtask_label_sets_have_25_28_30_labels():
    assert [len(CASE_SUBTASK_LABELS[k]) for k in (1, 2, 3)] == [25, 28, 30]
    assert CASE_SUBTASK_LABELS[1] < CASE_SUBTASK_LABELS[2] < CASE_SUBTASK_LABELS[3]
    assert CASE_SUBTASK_LABELS[2] - CASE_SUBTASK_LABELS[1] == {"ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER"}
    assert CASE_SUBTASK_LABELS[3] - CASE_SUBTASK_LABELS[2] == {"DIPLO", "ATTRIB"}
    assert len(CASE_LABELS) == 30


def test_types_every_acled_case_label_maps_to_one_distinct_sub_event_type():
    subs = [CASE_TAXONOMY[c].acled_sub_type for c in CASE_SUBTASK_LABELS[1]]
    assert sorted(subs) == sorted(ACLED_SUB_EVENT_TYPES)
    for code in CASE_SUBTASK_LABELS[1]:
        c = CASE_TAXONOMY[code]
        assert ACLED_SUB_EVENT_TYPES[c.acled_sub_type] == c.acled_type


@pytest.mark.parametrize("code", sorted(CASE_SUBTASK_LABELS[3] - CASE_SUBTASK_LABELS[1]))
def test_types_unseen_case_labels_have_no_acled_type(code):
    assert CASE_TAXONOMY[code].acled_type is None and CASE_TAXONOMY[code].acled_sub_type is None


def test_types_case_plover_roots_and_modes_are_defined():
    for c in CASE_TAXONOMY.values():
        if c.plover_root is not None:
            assert c.plover_root in PLOVER_QUAD, c.code
        if c.plover_mode is not None:
            assert c.plover_mode in PLOVER_MODES[c.plover_root], c.code


@pytest.mark.parametrize(
    "code,acled,root",
    [
        ("GOV_REGAINS_TERIT", ("Battles", "Government regains territory"), "ASSAULT"),
        ("AIR_STRIKE", ("Explosions/Remote violence", "Air/drone strike"), "ASSAULT"),
        ("ART_MISS_ATTACK", ("Explosions/Remote violence", "Shelling/artillery/missile attack"), "ASSAULT"),
        ("AGREEMENT", ("Strategic developments", "Agreement"), "AGREE"),
        ("PEACE_PROTEST", ("Protests", "Peaceful protest"), "PROTEST"),
        ("ARREST", ("Strategic developments", "Arrests"), "COERCE"),
    ],
)
def test_types_case_label_maps_to_acled_and_plover(code, acled, root):
    c = CASE_TAXONOMY[code]
    assert (c.acled_type, c.acled_sub_type) == acled
    assert c.plover_root == root


def test_types_plv_roots_all_have_a_quad():
    assert len(PLOVER_ROOTS) == 15
    assert all(r in PLOVER_QUAD for r in PLOVER_ROOTS)


@pytest.mark.parametrize(
    "root,quad,binary",
    [
        ("AGREE", Quad.VERBAL_COOPERATION, "cooperation"),
        ("YIELD", Quad.MATERIAL_COOPERATION, "cooperation"),
        ("REQUEST", Quad.VERBAL_CONFLICT, "conflict"),
        ("ASSAULT", Quad.MATERIAL_CONFLICT, "conflict"),
        ("FIGHT", Quad.MATERIAL_CONFLICT, "conflict"),  # v0.5b1 name
        ("NOPE", None, None),
    ],
)
def test_types_quad_and_binary_of_root(root, quad, binary):
    assert quad_of(root) == quad
    assert binary_of(root) == binary


def test_types_plover_v05_names_map_to_known_roots():
    assert set(PLOVER_V05_TO_ROOT.values()) <= set(PLOVER_ROOTS)
