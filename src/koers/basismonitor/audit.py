"""The recovery audit: can a suppressed cell be computed from the published ones?

Every Basismonitor aggregate is a sum over *atoms*, the finest pieces the panel has: the
units of one leaf (gemeente + buurt), and where it applies of one schoolweging band or one
category of a distribution. A published cell tells an attacker the sums of its atoms (its
numerator, its denominator); so does every other published cell of the same *family*
(the cells of one measure, or of one distribution, in one period). A :class:`Span` says,
for one cell, which sums it publishes (``published``) and which sums must stay unknown when
it is suppressed (``sensitive``: its numerator, its complement, or its count), each a
:data:`Vector` of atom coefficients.

A sum is determined by the published cells exactly when its vector lies in the row space
of the published vectors: then some combination of additions and subtractions of published
figures gives it, whatever the relations between the areas are (wijken against wijkraden,
gebieden against Zuid and a buurt outside it, bands against their total). This is what
:func:`audit` checks, per family, with one singular value decomposition of the published
vectors:

- ``v`` is in the row space when its residual after projection on the row space is
  (numerically) zero. The vectors hold small integers (0, 1, -1) over at most a few
  thousand atoms, so the residual of a vector outside the row space is of order 1 and
  numerical error of order 1e-12; the tolerance (1e-6) sits between, and a doubtful case
  counts as recoverable (the safe side);
- the published cells that a recovery *needs*: for the minimum-norm combination ``x`` of
  published vectors that gives ``v``, the rows with a non-zero ``x_i`` that are not a
  combination of the other rows (their component in the left null space is zero). Every
  way to recover ``v`` uses such a row, so suppressing one of them breaks this recovery.
  When no row is needed (several independent ways), the rows of the minimum-norm
  combination are the candidates and suppressing one of them removes at least one way.

An atom with no units (a leaf without a cell) is left out of every vector: it is known to
be 0 and adds nothing. The audit sees equalities only: bounds (published cells bound a
suppressed one to an interval; a published 0% makes every part 0%) are not audited, which
is why all-or-nothing cells of sensitive measures are suppressed by their own rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Key = tuple[str, ...]
Atom = Hashable
Vector = tuple[tuple[Atom, int], ...]
"""A linear combination of atoms: (atom, coefficient) pairs, each atom once."""

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Span:
    """What one cell publishes and what must stay unknown when it is suppressed."""

    family: Key
    published: tuple[Vector, ...]
    sensitive: tuple[Vector, ...]


@dataclass(frozen=True)
class Recovery:
    """A suppressed cell whose ``sensitive`` sum follows from published cells.

    ``needed``: published cells every such recovery uses (suppress one to break it);
    ``used``: the cells of one recovery with their coefficients (+1 add, -1 subtract),
    largest first, for the annex.
    """

    key: Key
    needed: tuple[Key, ...]
    used: tuple[tuple[Key, float], ...]


Memo = dict[Key, tuple[frozenset[Key], list["Recovery"]]]
"""What :func:`audit` found per family, with the family's suppressed cells it found it for."""


def audit(
    spans: Mapping[Key, Span], suppressed: Collection[Key], memo: Memo | None = None
) -> list[Recovery]:
    """Every suppressed cell that the published cells of its family determine, by key.

    ``memo``: pass the same dict to repeated audits of the same spans (the gate's rounds of
    complementary suppression): a family whose suppressed cells are the ones it was last
    audited with has the same answer, and is not audited again. Most families settle after
    a round or two while a few take many; without it every round audits them all.
    """
    hidden = set(suppressed)
    families: dict[Key, list[Key]] = defaultdict(list)
    for key, span in spans.items():
        families[span.family].append(key)
    found: list[Recovery] = []
    for family in sorted(families):
        keys = sorted(families[family])
        mine = frozenset(k for k in keys if k in hidden)
        if not mine:
            continue
        if memo is not None and family in memo and memo[family][0] == mine:
            found += memo[family][1]
            continue
        recoveries = audit_family(spans, keys, hidden)
        if memo is not None:
            memo[family] = (mine, recoveries)
        found += recoveries
    return sorted(found, key=lambda r: r.key)


def audit_family(
    spans: Mapping[Key, Span], keys: Sequence[Key], hidden: set[Key]
) -> list[Recovery]:
    """:func:`audit` for the cells ``keys`` of one family."""
    targets = [k for k in keys if k in hidden]
    shown = [k for k in keys if k not in hidden]
    rows = [(k, v) for k in shown for v in spans[k].published]
    if not targets or not rows:
        return []
    atoms: dict[Atom, int] = {}
    for key in keys:
        span = spans[key]
        for vector in (*span.published, *span.sensitive):
            for atom, _ in vector:
                atoms.setdefault(atom, len(atoms))
    matrix = _matrix([v for _, v in rows], atoms)
    u, s, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int(np.sum(s > TOLERANCE * max(1.0, float(s[0]) if s.size else 1.0)))
    basis = vt[:rank]
    left_null = u[:, rank:]
    independent = np.linalg.norm(left_null, axis=1) < TOLERANCE
    found = []
    for key in targets:
        for vector in spans[key].sensitive:
            v = _matrix([vector], atoms)[0]
            if not v.any():
                continue
            coefficients = basis @ v
            if np.linalg.norm(v - basis.T @ coefficients) > TOLERANCE:
                continue
            x = u[:, :rank] @ (coefficients / s[:rank])
            used = np.abs(x) > TOLERANCE
            needed = sorted({rows[i][0] for i in np.flatnonzero(used & independent)})
            combination: dict[Key, float] = defaultdict(float)
            for i in np.flatnonzero(used):
                combination[rows[i][0]] += float(x[i])
            order = sorted(combination.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
            found.append(Recovery(key, tuple(needed), tuple(order)))
            break
    return found


def _matrix(vectors: Sequence[Vector], atoms: Mapping[Atom, int]) -> np.ndarray:
    matrix = np.zeros((len(vectors), len(atoms)))
    for i, vector in enumerate(vectors):
        for atom, coefficient in vector:
            matrix[i, atoms[atom]] += coefficient
    return matrix
