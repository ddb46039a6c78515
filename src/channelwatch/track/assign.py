"""Global-nearest-neighbour assignment on a sparse, gated cost list.

Only gated pairs exist, so the problem splits into many independent pieces. Pairs whose track and
detection have no other candidate are taken directly; the rest is cut into connected components
(scipy's ``connected_components`` on the bipartite graph) and each small component is solved
exactly with ``linear_sum_assignment``. The result is a maximum-weight matching: a pair is made
only if its cost is negative (likelier than "missed and clutter"), and the total cost is minimal.
"""

from __future__ import annotations

import numpy as np

from channelwatch.track.gating import IntArray
from channelwatch.track.kalman import FloatArray

DENSE_LIMIT = 10_000  # cells of a dense matrix solved in one go rather than by components


def gnn_assign(
    rows: IntArray, cols: IntArray, cost: FloatArray, n_rows: int, n_cols: int
) -> tuple[IntArray, IntArray]:
    """Rows and columns of the minimum-cost matching among pairs of negative cost.

    ``rows``/``cols``/``cost`` list the candidate pairs (each pair at most once). Pairs with a
    cost >= 0 are never chosen. Returns two index arrays of equal length, sorted by row.
    """
    keep = cost < 0.0
    rows, cols, cost = rows[keep], cols[keep], cost[keep]
    if rows.size == 0:
        return rows, cols
    row_deg = np.bincount(rows, minlength=n_rows)
    col_deg = np.bincount(cols, minlength=n_cols)
    lone = (row_deg[rows] == 1) & (col_deg[cols] == 1)
    out_rows = [rows[lone]]
    out_cols = [cols[lone]]
    rest = ~lone
    if rest.any():
        r_sel, c_sel = _solve_components(rows[rest], cols[rest], cost[rest])
        out_rows.append(r_sel)
        out_cols.append(c_sel)
    r_all = np.concatenate(out_rows)
    c_all = np.concatenate(out_cols)
    order = np.argsort(r_all, kind="stable")
    return r_all[order], c_all[order]


def _solve_components(
    rows: IntArray, cols: IntArray, cost: FloatArray
) -> tuple[IntArray, IntArray]:
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    u_rows, r_idx = np.unique(rows, return_inverse=True)
    u_cols, c_idx = np.unique(cols, return_inverse=True)
    nr, nc = u_rows.size, u_cols.size
    if nr * nc <= DENSE_LIMIT:
        # small enough: one dense solve is cheaper than finding the components
        dense = np.zeros((nr, nc))
        dense[r_idx, c_idx] = cost
        ai, aj = linear_sum_assignment(dense)
        real = dense[ai, aj] < 0.0
        return u_rows[ai[real]], u_cols[aj[real]]
    graph = coo_matrix((np.ones(rows.size), (r_idx, nr + c_idx)), shape=(nr + nc, nr + nc))
    _, labels = connected_components(graph, directed=False)
    pair_label = labels[r_idx]
    order = np.argsort(pair_label, kind="stable")
    splits = np.flatnonzero(np.diff(pair_label[order])) + 1
    sel_r: list[IntArray] = []
    sel_c: list[IntArray] = []
    for group in np.split(order, splits):
        g_rows, g_ri = np.unique(r_idx[group], return_inverse=True)
        g_cols, g_ci = np.unique(c_idx[group], return_inverse=True)
        # non-edges cost 0, so a full rectangular assignment restricted to its negative entries
        # is a maximum-weight matching of the component
        dense = np.zeros((g_rows.size, g_cols.size))
        dense[g_ri, g_ci] = cost[group]
        ai, aj = linear_sum_assignment(dense)
        real = dense[ai, aj] < 0.0
        sel_r.append(u_rows[g_rows[ai[real]]])
        sel_c.append(u_cols[g_cols[aj[real]]])
    return np.concatenate(sel_r), np.concatenate(sel_c)
