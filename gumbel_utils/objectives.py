r"""Objectives :math:`f(z)` of a one-hot or relaxed :math:`z`, and what is known about them exactly.

An **objective** is any object with two methods, for ``z`` of shape ``(..., K)``
(a one-hot vertex of the simplex or a relaxed point inside it):

- ``value(z)``, shape ``z.shape[:-1]``: :math:`f(z)`;
- ``grad(z)``, shape ``z.shape``: :math:`\nabla_z f(z)`.

No base class is required: a learner's own class with these two methods works
with :func:`exact_gradient`, every estimator and every summary
(:func:`~gumbel_utils._validation.check_objective` raises a TypeError naming what is
missing). :class:`Objective` adds conveniences (a ``name``, a LaTeX ``formula``,
calling the object evaluates it).

The exact gradient of :math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))}[f(z)]`
needs only the values at the K vertices (:func:`vertex_values`):

.. math::

    \nabla_x \mathbb{E}[f(z)] = \big(\operatorname{diag}(p) - p p^\top\big) f_{\mathrm{vec}},
    \qquad p = \operatorname{softmax}(x),\quad f_{\mathrm{vec}} = (f(e_1), \dots, f(e_K)).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_choice, check_logits_1d, check_objective, check_tau
from ._kernels import softmax_jvp, tempered_softmax

__all__ = [
    "Objective",
    "Linear",
    "Quadratic",
    "Cubic",
    "OBJECTIVES",
    "make_objective",
    "vertex_values",
    "expected_value",
    "exact_gradient",
    "argmax_objective_curves",
    "argmax_objective_slopes",
    "RelaxedCurve",
    "relaxed_objective_curve",
    "wrong_sign_ranges",
]


class Objective:
    """Optional base class of an objective: subclasses give ``value(z)`` and ``grad(z)``.

    Adds a ``name`` and a LaTeX ``formula`` (for figure titles), ``f(z)`` as a
    shorthand for ``f.value(z)``, and a readable ``repr``.
    """

    name = "objective"
    formula = ""

    def value(self, z: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def grad(self, z: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, z: ArrayLike) -> np.ndarray:
        return self.value(z)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}: {self.formula})"


def _default_coefficients(k: int) -> np.ndarray:
    """c = (2, ..., 0) evenly spaced: the default weights of Linear and Cubic."""
    return np.linspace(2.0, 0.0, k)


def _params(given: np.ndarray | None, z: np.ndarray, default: Callable[[int], np.ndarray]) -> np.ndarray:
    k = z.shape[-1]
    if given is None:
        return default(k)
    if given.shape != (k,):
        raise ValueError(f"the objective has {given.shape[0]} coefficients but z has {k} categories")
    return given


class Linear(Objective):
    r"""Linear objective :math:`f(z) = c^\top z` (default :math:`c` evenly spaced from 2 to 0).

    Its gradient :math:`c` is the same everywhere, so the relaxed and the
    straight-through estimators coincide for it.

    Parameters
    ----------
    c : array_like, shape (K,), optional
        The weights; default ``linspace(2, 0, K)`` for whatever K it meets.

    Examples
    --------
    >>> float(Linear([1.0, 0.0, -1.0]).value([0.2, 0.3, 0.5]))
    -0.3
    """

    name = "linear"
    formula = r"$f(z) = c^\top z$"

    def __init__(self, c: ArrayLike | None = None) -> None:
        self.c = None if c is None else np.asarray(c, dtype=np.float64)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return z @ _params(self.c, z, _default_coefficients)

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return np.broadcast_to(_params(self.c, z, _default_coefficients), z.shape)


class Quadratic(Objective):
    r"""Quadratic objective :math:`f(z) = \lVert z - t \rVert^2` (default target :math:`t` from 0.45 to 0.2).

    A K-category version of the REBAR/RELAX toy problem :math:`(b - t)^2`.

    Parameters
    ----------
    target : array_like, shape (K,), optional
        The target :math:`t`; default ``linspace(0.45, 0.2, K)``.

    Examples
    --------
    >>> float(Quadratic([0.5, 0.5]).value([1.0, 0.0]))
    0.5
    """

    name = "quadratic"
    formula = r"$f(z) = \|z - t\|^2$"

    def __init__(self, target: ArrayLike | None = None) -> None:
        self.target = None if target is None else np.asarray(target, dtype=np.float64)

    @staticmethod
    def _default(k: int) -> np.ndarray:
        return np.linspace(0.45, 0.2, k)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        d = z - _params(self.target, z, self._default)
        return np.einsum("...k,...k->...", d, d)

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return 2.0 * (z - _params(self.target, z, self._default))


class Cubic(Objective):
    r"""Cubic objective :math:`f(z) = \sum_k c_k z_k^3` (default :math:`c` as in :class:`Linear`).

    On the vertices it equals the linear :math:`c^\top z` (so the exact gradient
    is the same), but not between them: only estimators that evaluate f off
    the vertices can tell the two apart.

    Parameters
    ----------
    c : array_like, shape (K,), optional
        The weights; default ``linspace(2, 0, K)``.

    Examples
    --------
    >>> Cubic([1.0, 0.0, -1.0]).value([[0.0, 0.0, 1.0], [0.5, 0.0, 0.5]])
    array([-1.,  0.])
    """

    name = "cubic"
    formula = r"$f(z) = \sum_k c_k z_k^3$"

    def __init__(self, c: ArrayLike | None = None) -> None:
        self.c = None if c is None else np.asarray(c, dtype=np.float64)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return (z * z * z) @ _params(self.c, z, _default_coefficients)

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return 3.0 * z * z * _params(self.c, z, _default_coefficients)


_CLASSES: dict[str, type[Objective]] = {"linear": Linear, "quadratic": Quadratic, "cubic": Cubic}

#: The three objectives of the notebooks, with default coefficients (any K).
OBJECTIVES: dict[str, Objective] = {name: cls() for name, cls in _CLASSES.items()}


def make_objective(name: str, **params: Any) -> Objective:
    """An objective by name, with optional parameters.

    Parameters
    ----------
    name : {"linear", "quadratic", "cubic"}
    **params
        Passed to the class (``c`` or ``target``).

    Examples
    --------
    >>> make_objective("linear", c=[1.0, 0.0]).value([0.25, 0.75])
    np.float64(0.25)
    """
    return _CLASSES[check_choice(name, _CLASSES, "name")](**params)


def vertex_values(f: Any, num_categories: int) -> np.ndarray:
    r""":math:`f_{\mathrm{vec}} = (f(e_1), \dots, f(e_K))`, derived from ``f.value`` at the K vertices.

    Parameters
    ----------
    f : objective
        Anything with ``value(z)`` and ``grad(z)``.
    num_categories : int
        K.

    Examples
    --------
    >>> vertex_values(Cubic([1.0, 0.0, -1.0]), 3)
    array([ 1.,  0., -1.])
    """
    check_objective(f)
    values = np.asarray(f.value(np.eye(num_categories)), dtype=np.float64)
    if values.shape != (num_categories,):
        raise ValueError(f"f.value(z) must return one value per row of z: shape ({num_categories},), got {values.shape}")
    return values


def expected_value(logits: ArrayLike, f: Any) -> float:
    r""":math:`\mathbb{E}_{z \sim \mathrm{Cat}(p)} f(z) = p^\top f_{\mathrm{vec}}`, exactly, by enumeration.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective

    Examples
    --------
    >>> expected_value([0.0, 0.0], Linear([1.0, 0.0]))
    0.5
    """
    x = check_logits_1d(logits)
    return float(tempered_softmax(x) @ vertex_values(f, x.shape[0]))


def exact_gradient(logits: ArrayLike, f: Any) -> np.ndarray:
    r"""The exact gradient :math:`\nabla_x \mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))}[f(z)]`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
        Anything with ``value(z)`` and ``grad(z)``; only its values at the K vertices are used.

    Returns
    -------
    ndarray, shape (K,)
        :math:`(\operatorname{diag}(p) - p p^\top) f_{\mathrm{vec}}
        = p \odot (f_{\mathrm{vec}} - p^\top f_{\mathrm{vec}})`, by enumeration.

    Examples
    --------
    >>> import numpy as np
    >>> g = exact_gradient([0.0, 0.0], Linear([1.0, 0.0]))
    >>> g                                   # d/dx1 of sigmoid(x1 - x2) at 0 is 1/4
    array([ 0.25, -0.25])

    Any object with ``value`` and ``grad`` is an objective:

    >>> class Mine:
    ...     def value(self, z): return np.asarray(z)[..., 0] ** 2
    ...     def grad(self, z): return 2 * np.asarray(z) * [1, 0]
    >>> exact_gradient([0.0, 0.0], Mine())
    array([ 0.25, -0.25])
    """
    x = check_logits_1d(logits)
    p = tempered_softmax(x)
    fv = vertex_values(f, x.shape[0])
    return p * (fv - p @ fv)


def argmax_objective_curves(
    logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, *, k: int = 0, tau: float = 0.3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""f at the Gumbel-max sample and at the relaxed sample, and :math:`\mathbb{E} f`, as one logit moves.

    With the noise ``g`` held fixed and logit :math:`x_k` set to each value of
    ``grid``: :math:`f(\operatorname{onehot}(\arg\max(x + g)))` (a staircase: slope 0
    between jumps), :math:`f(\operatorname{softmax}((x + g)/\tau))` (smooth), and the
    exact :math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))} f(z)`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
    noise : array_like, shape (R, K)
        R fixed Gumbel noise draws.
    grid : array_like, shape (G,)
        Values of the moving logit.
    k : int
        Which logit moves.
    tau : float
        Temperature of the relaxed curves.

    Returns
    -------
    hard : ndarray, shape (R, G)
    soft : ndarray, shape (R, G)
    mean : ndarray, shape (G,)

    Examples
    --------
    >>> import numpy as np
    >>> hard, soft, mean = argmax_objective_curves([1.0, 0.0], Linear([1.0, 0.0]), np.zeros((1, 2)),
    ...                                            np.array([-1.0, 2.0]), tau=0.5)
    >>> hard
    array([[0., 1.]])
    """
    x0 = check_logits_1d(logits)
    check_objective(f)
    t = check_tau(tau)
    g = np.asarray(noise, dtype=np.float64)
    kk = x0.shape[0]
    if g.ndim != 2 or g.shape[1] != kk:
        raise ValueError(f"noise must have shape (R, {kk}), got {g.shape}")
    if not 0 <= k < kk:
        raise ValueError(f"k must lie in [0, {kk}), got {k}")
    grid = np.asarray(grid, dtype=np.float64)
    x = np.broadcast_to(x0, (grid.size, kk)).copy()
    x[:, k] = grid
    pert = x[None] + g[:, None, :]  # (R, G, K)
    hard = f.value(np.eye(kk)[pert.argmax(-1)])
    soft = f.value(tempered_softmax(pert, t))
    mean = tempered_softmax(x) @ vertex_values(f, kk)
    return hard, soft, mean


def _moving_logit(x0: np.ndarray, grid: np.ndarray, k: int) -> np.ndarray:
    """Rows of logits equal to ``x0`` except ``x[:, k] = grid``: shape (G, K)."""
    x = np.broadcast_to(x0, (grid.size, x0.shape[0])).copy()
    x[:, k] = grid
    return x


def _curve_args(logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, k: int,
                tau: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    x0 = check_logits_1d(logits)
    check_objective(f)
    t = check_tau(tau, scalar=True)
    g = np.asarray(noise, dtype=np.float64)
    kk = x0.shape[0]
    if g.ndim != 2 or g.shape[1] != kk or g.shape[0] < 1:
        raise ValueError(f"noise must have shape (R, {kk}) with R >= 1, got {g.shape}")
    if not 0 <= k < kk:
        raise ValueError(f"k must lie in [0, {kk}), got {k}")
    grid = np.asarray(grid, dtype=np.float64).reshape(-1)
    return x0, g, grid, float(t)


def _exact_slope(x: np.ndarray, f: Any, k: int) -> np.ndarray:
    """d E f(z) / d x_k for each row of logits ``x`` (G, K): p_k (f_k - p . f_vec)."""
    p = tempered_softmax(x)
    fv = vertex_values(f, x.shape[1])
    return p[:, k] * (fv[k] - p @ fv)


def argmax_objective_slopes(
    logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, *, k: int = 0, tau: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    r"""The slopes of the curves of :func:`argmax_objective_curves` in the moving logit :math:`x_k`.

    For each fixed noise ``g`` (a row of ``noise``), the slope of the relaxed curve
    :math:`\partial_{x_k} f(\operatorname{softmax}((x + g)/\tau)) = [J_y^\top \nabla f(y)]_k`
    is exactly the relaxed (Gumbel-Softmax) single-sample estimate :math:`\hat g_k` for that
    noise; the exact slope is :math:`\partial_{x_k} \mathbb{E} f(z) = p_k (f(e_k) - p^\top f_{\mathrm{vec}})`.
    Both analytic (no finite differences).

    Parameters
    ----------
    logits, f, noise, grid, k, tau
        As in :func:`argmax_objective_curves` (``tau``: one temperature).

    Returns
    -------
    relaxed : ndarray, shape (R, G)
        The slope of each dashed curve at each grid point.
    exact : ndarray, shape (G,)
        The slope of :math:`\mathbb{E} f(z)`.

    Examples
    --------
    >>> import numpy as np
    >>> relaxed, exact = argmax_objective_slopes([0.0, 0.0], Linear([1.0, 0.0]), np.zeros((1, 2)),
    ...                                          np.array([0.0]), tau=1.0)
    >>> relaxed, exact                     # sigmoid'(0) = 1/4 for both: one noise g = 0
    (array([[0.25]]), array([0.25]))
    """
    x0, g, grid, t = _curve_args(logits, f, noise, grid, k, tau)
    x = _moving_logit(x0, grid, k)
    y = tempered_softmax(x[None] + g[:, None, :], t)  # (R, G, K)
    relaxed = softmax_jvp(y, f.grad(y), t)[..., k]
    return relaxed, _exact_slope(x, f, k)


class RelaxedCurve(NamedTuple):
    r"""The relaxed objective averaged over many noises, and its slope, along a grid (see :func:`relaxed_objective_curve`)."""

    grid: np.ndarray  #: values of the moving logit, (G,)
    value: np.ndarray  #: Monte Carlo :math:`\mathbb{E}_g f(\operatorname{softmax}((x+g)/\tau))`, (G,)
    value_se: np.ndarray  #: its standard error, (G,)
    slope: np.ndarray  #: Monte Carlo mean of the relaxed estimate :math:`\hat g_k`: the slope of ``value``, (G,)
    slope_se: np.ndarray  #: its standard error, (G,)
    exact_value: np.ndarray  #: :math:`\mathbb{E} f(z)`, (G,)
    exact_slope: np.ndarray  #: :math:`\partial_{x_k} \mathbb{E} f(z)`, (G,)
    tau: float
    n_noise: int  #: number of noise draws averaged


def relaxed_objective_curve(
    logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, *, k: int = 0, tau: float = 0.3
) -> RelaxedCurve:
    r"""The average of the relaxed curves over ``noise`` (R draws), and its slope: the relaxed estimator's mean.

    The relaxed (Gumbel-Softmax) estimator is the exact gradient of the *relaxed*
    objective :math:`\mathbb{E}_g f(\operatorname{softmax}((x+g)/\tau))`, not of
    :math:`\mathbb{E} f(z)`: its bias is the difference of the two slopes. This averages,
    with the same R noises at every grid point (common random numbers: a smooth curve),
    the relaxed curve and its analytic slope (:func:`argmax_objective_slopes`), with
    standard errors over the noises. The grid is processed in chunks, so R may be large.

    Parameters
    ----------
    logits, f, grid, k, tau
        As in :func:`argmax_objective_curves` (``tau``: one temperature).
    noise : array_like, shape (R, K)
        R >= 2 standard Gumbel draws (the caller draws them, e.g. ``sample_gumbel((R, K), rng=...)``).

    Returns
    -------
    RelaxedCurve

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import sample_gumbel
    >>> c = relaxed_objective_curve([0.0, 0.0], Linear([1.0, 0.0]), sample_gumbel((20_000, 2), rng=0),
    ...                             [0.0], tau=0.05)
    >>> bool(abs(c.slope[0] - c.exact_slope[0]) < 5 * c.slope_se[0])    # small tau, linear f: no bias
    True
    """
    x0, g, grid, t = _curve_args(logits, f, noise, grid, k, tau)
    if g.shape[0] < 2:
        raise ValueError("noise needs at least 2 rows for a standard error")
    x = _moving_logit(x0, grid, k)
    r = g.shape[0]
    chunk = max(1, 2_000_000 // (r * x0.shape[0]))
    moments = np.empty((4, grid.size))
    for a in range(0, grid.size, chunk):
        y = tempered_softmax(x[None, a:a + chunk] + g[:, None, :], t)  # (R, C, K)
        v = f.value(y)
        s = softmax_jvp(y, f.grad(y), t)[..., k]
        moments[:, a:a + chunk] = (v.mean(0), v.std(0, ddof=1), s.mean(0), s.std(0, ddof=1))
    root = np.sqrt(r)
    exact_value = tempered_softmax(x) @ vertex_values(f, x0.shape[0])
    return RelaxedCurve(grid, moments[0], moments[1] / root, moments[2], moments[3] / root, exact_value,
                        _exact_slope(x, f, k), t, r)


def wrong_sign_ranges(
    grid: ArrayLike, slope: ArrayLike, reference: ArrayLike, *, se: ArrayLike | None = None, z: float = 5.0
) -> list[tuple[float, float]]:
    r"""The ranges of ``grid`` where ``slope`` has the opposite sign to ``reference``.

    A grid point counts when ``slope * reference < 0`` and, if ``se`` (a standard error
    of ``slope``) is given, when also :math:`|\text{slope}| > z\,\text{se}` (the wrong sign
    is resolved, not Monte Carlo noise). Neighbouring points that count form one range.

    Parameters
    ----------
    grid : array_like, shape (G,)
        Increasing grid values.
    slope, reference : array_like, shape (R, G) or (G,)
        The slope tested and the slope with the right sign (broadcast against each other).
    se : array_like, optional
        Standard error of ``slope``.
    z : float, optional
        How many standard errors make a sign resolved.

    Returns
    -------
    list of (float, float), or a list of such lists when ``slope`` has several rows
        ``(first, last)`` grid values of each range; ``[]`` when the sign is right everywhere.

    Examples
    --------
    >>> wrong_sign_ranges([0, 1, 2, 3, 4], [-1, -1, 1, -1, 1], [1, 1, 1, 1, 1])
    [(0.0, 1.0), (3.0, 3.0)]
    >>> wrong_sign_ranges([0, 1, 2], [-1.0, -0.1, 1.0], [1, 1, 1], se=[0.1, 0.1, 0.1])
    [(0.0, 0.0)]
    """
    g = np.asarray(grid, dtype=np.float64).reshape(-1)
    s = np.asarray(slope, dtype=np.float64)
    ref = np.asarray(reference, dtype=np.float64)
    if s.shape[-1] != g.size or ref.shape[-1] != g.size:
        raise ValueError(f"slope and reference must have {g.size} values on their last axis (one per grid point)")
    if g.size > 1 and np.any(np.diff(g) <= 0):
        raise ValueError("grid must be increasing")
    wrong = s * ref < 0
    if se is not None:
        wrong &= np.abs(s) > z * np.asarray(se, dtype=np.float64)
    wrong = np.broadcast_to(wrong, np.broadcast_shapes(s.shape, ref.shape))

    def runs(row: np.ndarray) -> list[tuple[float, float]]:
        edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
        return [(float(g[a]), float(g[b - 1])) for a, b in zip(edges[::2], edges[1::2])]

    if wrong.ndim == 1:
        return runs(wrong)
    return [runs(row) for row in wrong.reshape(-1, g.size)]
