r"""The course's gradient estimators in PyTorch: a recipe to copy, tested against ``gumbel_utils``.

Every function here is short on purpose: copy the one you need. Shapes follow one rule:

* ``logits`` has shape ``(*batch, K)``: one categorical distribution per row
  (for example ``(B, K)``: B latent variables, or B images with one latent each);
* ``gumbels``, when you pass it, has shape ``(n, *batch, K)``: n noise draws per row.
  Leave it out and PyTorch draws the noise itself (``F.gumbel_softmax``,
  ``Categorical.sample``). Tests pass it, so that PyTorch and the NumPy package
  ``gumbel_utils`` see the same noise and must give the same numbers;
* ``f`` is a differentiable function of a (relaxed or one-hot) sample, mapping
  ``(..., K)`` to ``(...)``, for example ``lambda z: (z ** 3) @ c``;
* each ``*_loss`` function returns one value per row, shape ``batch``, averaged over the
  n samples of that row: call ``.sum().backward()`` (or ``.mean()``) on it. The gradient
  that lands in row b of ``logits.grad`` is the estimator's average over the n samples
  of row b (divided by B with ``.mean()``).

What each estimator is, and when to use it, is the subject of the course's Notebooks 3 and 4.
Floats: the tests run in float64; :func:`sample_gumbel` is safe in float32 too (uniforms
clipped away from 0), and ``recipes/float32_check.py`` measures what float32 does at small τ.

A training loop (Adam on the logits of B = 4 categoricals, K = 3, annealed τ):

>>> c = torch.tensor([2.0, 1.0, 0.0], dtype=torch.float64)
>>> f = lambda z: (z ** 3) @ c                      # minimised by the one-hot of the last category
>>> logits = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
>>> opt = torch.optim.Adam([logits], lr=0.1)
>>> torch.manual_seed(0)                            # doctest: +ELLIPSIS
<torch._C.Generator object at ...>
>>> for step in range(300):
...     opt.zero_grad()
...     relaxed_loss(logits, f, anneal(step, every=100), n=8).sum().backward()
...     opt.step()
>>> logits.softmax(-1)[:, 2].min().item() > 0.9     # every row learned the last category
True

This file is not part of the package: ``gumbel_utils`` and the notebooks never need torch.
Install PyTorch's CPU build, then ``pip install -e .[torch]`` (the README's "The PyTorch recipe").
"""

from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F

__all__ = [
    "gumbel_from_uniform",
    "sample_gumbel",
    "gumbel_softmax",
    "straight_through",
    "relaxed_loss",
    "straight_through_loss",
    "score_function_loss",
    "anneal",
]

Objective = Callable[[torch.Tensor], torch.Tensor]


# ----------------------------------------------------------------------------- noise


def gumbel_from_uniform(u: torch.Tensor) -> torch.Tensor:
    r"""Standard Gumbel noise g = -log(-log U) from uniforms, with U clipped away from 0.

    ``torch.rand`` returns U in [0, 1), and U = 0 occurs (about once in :math:`2^{24}`
    draws in float32): then :math:`g = -\infty`. Clipping U below at the smallest
    normal number of its dtype (as ``gumbel_utils.sampling.sample_gumbel`` and TensorFlow
    Probability do) keeps every g finite: :math:`g \ge -4.47` in float32, :math:`\ge -6.56` in float64.

    Parameters
    ----------
    u : Tensor
        Uniforms in [0, 1), float32 or float64.

    Returns
    -------
    Tensor
        Gumbel(0, 1) draws of the same shape and dtype, all finite.

    References
    ----------
    .. [1] E. J. Gumbel, "Statistical theory of extreme values and some practical
       applications", NBS Applied Mathematics Series 33, 1954.

    Examples
    --------
    >>> gumbel_from_uniform(torch.tensor([0.0, 0.5], dtype=torch.float32))
    tensor([-4.4698,  0.3665])
    """
    u = u.clamp_min(torch.finfo(u.dtype).tiny)
    return -torch.log(-torch.log(u))


def sample_gumbel(shape: tuple[int, ...], *, dtype: torch.dtype = torch.float64,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """Standard Gumbel draws of the given shape, always finite (see gumbel_from_uniform).

    Parameters
    ----------
    shape : tuple of ints
        For the functions below: ``(n, *batch, K)``.
    dtype : torch.dtype, default float64
    generator : torch.Generator, optional
        Seeded source of randomness (``torch.Generator().manual_seed(0)``); None uses torch's global one.

    Returns
    -------
    Tensor of the given shape and dtype

    Examples
    --------
    >>> g = sample_gumbel((100_000,), generator=torch.Generator().manual_seed(0))
    >>> round(g.mean().item(), 2)          # Euler-Mascheroni constant 0.5772...
    0.58
    """
    return gumbel_from_uniform(torch.rand(shape, dtype=dtype, generator=generator))


# ----------------------------------------------------------------------------- the relaxed sample


def gumbel_softmax(logits: torch.Tensor, tau: float, *, hard: bool = False,
                   gumbels: torch.Tensor | None = None) -> torch.Tensor:
    r"""A relaxed one-hot sample y = softmax((x + g)/τ); with hard=True, one-hot forward (straight-through).

    Without ``gumbels`` this is ``F.gumbel_softmax(logits, tau, hard=hard)``, which draws
    :math:`g` itself. With ``gumbels`` it is the same computation with the given noise:
    ``((logits + gumbels) / tau).softmax(-1)``. ``torch.softmax`` subtracts the row maximum
    before exponentiating, so it never overflows, whatever τ (a hand-written
    ``exp(z / tau) / exp(z / tau).sum(-1)`` does: NaN at small τ, see ``recipes/float32_check.py``).
    ``hard=True`` is the straight-through estimator (:func:`straight_through`).

    Parameters
    ----------
    logits : Tensor, shape (*batch, K)
    tau : float > 0
        The temperature.
    hard : bool, default False
        Forward the one-hot argmax, backward through the relaxed sample.
    gumbels : Tensor, shape (n, *batch, K) or (*batch, K), optional
        Gumbel noise (for example from :func:`sample_gumbel`); None lets torch draw one
        sample per row.

    Returns
    -------
    Tensor, shape of ``logits + gumbels``

    References
    ----------
    .. [1] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017.
    .. [2] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution: A Continuous
       Relaxation of Discrete Random Variables", ICLR 2017.
    .. [3] PyTorch, ``torch.nn.functional.gumbel_softmax``,
       https://pytorch.org/docs/stable/generated/torch.nn.functional.gumbel_softmax.html

    Examples
    --------
    >>> x = torch.log(torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64))
    >>> g = torch.tensor([0.5, -0.3, 0.1], dtype=torch.float64)
    >>> gumbel_softmax(x, 100.0, gumbels=g).round(decimals=3)       # large tau: near the centre
    tensor([0.3330, 0.3320, 0.3350], dtype=torch.float64)
    >>> gumbel_softmax(x, 0.01, gumbels=g)        # small tau: the argmax of x + g gets 1.0, the rest are tiny
    tensor([3.7825e-23, 2.7755e-40, 1.0000e+00], dtype=torch.float64)
    """
    if gumbels is None:
        return F.gumbel_softmax(logits, tau=tau, hard=hard)
    y_soft = ((logits + gumbels) / tau).softmax(-1)
    return straight_through(y_soft) if hard else y_soft


def straight_through(y_soft: torch.Tensor) -> torch.Tensor:
    """The straight-through trick written out: forward the one-hot argmax, backward the gradient of y_soft.

    ``(y_hard - y_soft).detach() + y_soft`` has the value of ``y_hard`` (up to rounding:
    :math:`(1 - y) + y` may differ from 1 by one unit in the last place) and the gradient
    of ``y_soft``, because ``detach`` removes its first term from the graph. It is exactly
    what ``F.gumbel_softmax(..., hard=True)`` computes (``y_hard - y_soft.detach() + y_soft``).

    Parameters
    ----------
    y_soft : Tensor, shape (..., K)
        The relaxed sample (a softmax output).

    Returns
    -------
    Tensor, shape of ``y_soft``

    References
    ----------
    .. [1] Y. Bengio, N. Léonard and A. Courville, "Estimating or Propagating Gradients Through
       Stochastic Neurons for Conditional Computation", arXiv:1308.3432, 2013.
    .. [2] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with Gumbel-Softmax",
       ICLR 2017, Sec. 2.2 (Straight-Through Gumbel-Softmax).

    Examples
    --------
    >>> y = torch.tensor([0.7, 0.2, 0.1], requires_grad=True)
    >>> straight_through(y)
    tensor([1., 0., 0.], grad_fn=<AddBackward0>)
    """
    y_hard = F.one_hot(y_soft.argmax(-1), y_soft.shape[-1]).to(y_soft.dtype)
    return (y_hard - y_soft).detach() + y_soft


# ----------------------------------------------------------------------------- losses to call backward on


def _rows(logits: torch.Tensor, n: int, gumbels: torch.Tensor | None) -> torch.Tensor:
    """The logits repeated n times on a new first axis, (n, *batch, K), after checking the shape of gumbels."""
    if gumbels is not None and (gumbels.ndim != logits.ndim + 1 or gumbels.shape[0] != n):
        raise ValueError(f"gumbels must have shape (n, *batch, K) with n = {n}, got {tuple(gumbels.shape)}")
    return logits.expand(n, *logits.shape)   # a view: the n gradients add up in logits.grad


def relaxed_loss(logits: torch.Tensor, f: Objective, tau: float, n: int = 1, *,
                 gumbels: torch.Tensor | None = None) -> torch.Tensor:
    r"""Relaxed (Gumbel-Softmax) estimator: f(y) averaged over n relaxed samples per row.

    Its gradient is the pathwise estimate :math:`J_y^\top \nabla f(y)`, averaged over the
    n samples: the exact gradient of the *relaxed* objective :math:`\mathbb{E}_g f(y_\tau)`,
    a biased estimate of :math:`\nabla \mathbb{E} f(z)` (Notebook 3). The package's
    ``gumbel_utils.estimators.gumbel_softmax_grad``.

    Parameters
    ----------
    logits : Tensor, shape (*batch, K), requires_grad
    f : callable
        Differentiable, ``(..., K) -> (...)``.
    tau : float > 0
    n : int, default 1
        Samples per row.
    gumbels : Tensor, shape (n, *batch, K), optional
        The noise; None draws it with torch (as ``F.gumbel_softmax`` does).

    Returns
    -------
    Tensor, shape ``batch``
        Call ``.sum().backward()`` on it.

    Examples
    --------
    >>> x = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)    # B = 2 rows, K = 3
    >>> relaxed_loss(x, lambda z: z[..., 0], tau=0.5, n=4).shape
    torch.Size([2])
    """
    y = gumbel_softmax(_rows(logits, n, gumbels), tau, gumbels=gumbels)
    return f(y).mean(0)


def straight_through_loss(logits: torch.Tensor, f: Objective, tau: float, n: int = 1, *,
                          gumbels: torch.Tensor | None = None) -> torch.Tensor:
    r"""Straight-through Gumbel-Softmax: f(D) of the one-hot sample D, backward through the relaxed sample.

    The value is f at an exact categorical sample; the gradient borrows the Jacobian of
    the relaxed sample (biased, Notebook 3). ``F.gumbel_softmax(logits, tau, hard=True)``;
    the package's ``gumbel_utils.estimators.straight_through``.

    Parameters
    ----------
    logits, f, tau, n, gumbels
        As in :func:`relaxed_loss`.

    Returns
    -------
    Tensor, shape ``batch``
    """
    y = gumbel_softmax(_rows(logits, n, gumbels), tau, hard=True, gumbels=gumbels)
    return f(y).mean(0)


def score_function_loss(logits: torch.Tensor, f: Objective, n: int, *,
                        gumbels: torch.Tensor | None = None) -> torch.Tensor:
    r"""Score function (REINFORCE) with a leave-one-out baseline, per row of a batch.

    For n categorical draws :math:`z_1, \dots, z_n` of row b, the surrogate
    :math:`\frac1n \sum_s (f(z_s) - b_s) \log p(z_s)` with f and the baseline held
    constant (``detach``) has the gradient :math:`\frac1n \sum_s (f(z_s) - b_s)(z_s - p)`,
    where :math:`b_s = \frac{1}{n-1} \sum_{t \ne s} f(z_t)` is the mean of the *other
    samples of the same row* (independent of :math:`z_s`, so the estimate stays
    unbiased). A baseline summed over the whole tensor, ``(fb.sum() - fb) / (n - 1)``,
    mixes rows: still independent of :math:`z_s`, but not centred on row b's
    :math:`\mathbb{E} f`, and about B times too large; it leaves the variance high.
    With n = 1 there is no other sample and :math:`b = 0`. The package's
    ``gumbel_utils.estimators.score_function_baseline``.

    Parameters
    ----------
    logits : Tensor, shape (*batch, K), requires_grad
    f : callable
        ``(..., K) -> (...)``; only evaluated at one-hot samples, need not be differentiable.
    n : int >= 1
        Samples per row.
    gumbels : Tensor, shape (n, *batch, K), optional
        Noise for Gumbel-max draws :math:`z = \operatorname{onehot}(\arg\max(x + g))`;
        None samples with ``torch.distributions.Categorical``.

    Returns
    -------
    Tensor, shape ``batch``
        The surrogate: its gradient is the estimate, its value is not the objective
        (report ``f`` of the samples for that).

    References
    ----------
    .. [1] R. J. Williams, "Simple statistical gradient-following algorithms for connectionist
       reinforcement learning", Machine Learning 8, 1992.
    .. [2] W. Kool, H. van Hoof and M. Welling, "Buy 4 REINFORCE Samples, Get a Baseline for Free!",
       ICLR 2019 workshop "Deep RL Meets Structured Prediction".

    Examples
    --------
    >>> x = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    >>> score_function_loss(x, lambda z: z[..., 0], n=4).sum().backward()
    >>> x.grad.shape
    torch.Size([2, 3])
    """
    dist = torch.distributions.Categorical(logits=logits)
    if gumbels is None:
        z = dist.sample((n,))                                          # (n, *batch)
    else:
        z = (_rows(logits, n, gumbels).detach() + gumbels).argmax(-1)   # Gumbel-max draws
    fz = f(F.one_hot(z, logits.shape[-1]).to(logits.dtype)).detach()   # (n, *batch)
    baseline = (fz.sum(0, keepdim=True) - fz) / (n - 1) if n > 1 else torch.zeros_like(fz)
    return ((fz - baseline) * dist.log_prob(z)).mean(0)


# ----------------------------------------------------------------------------- annealing


def anneal(step: int, *, tau0: float = 1.0, tau_min: float = 0.5, rate: float = 1e-4,
               every: int = 500) -> float:
    r"""Jang et al.'s annealing schedule τ = max(τ_min, τ0 exp(-r N floor(step / N))).

    The temperature changes only every N = ``every`` steps. Jang et al. (2017) used
    :math:`\tau_0 = 1`, :math:`\tau_{\min} = 0.5`, :math:`r \in \{10^{-5}, 10^{-4}\}`,
    N in {500, 1000}. Same formula as ``gumbel_utils.training.anneal``.

    Parameters
    ----------
    step : int >= 0
        The training step, from 0.
    tau0, tau_min : float > 0
        Start and floor.
    rate : float >= 0
        The decay rate r per step.
    every : int >= 1
        N.

    Returns
    -------
    float

    References
    ----------
    .. [1] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017.

    Examples
    --------
    >>> [round(anneal(s), 6) for s in (0, 499, 500, 10**6)]
    [1.0, 1.0, 0.951229, 0.5]
    """
    return max(tau_min, tau0 * math.exp(-rate * every * (step // every)))
