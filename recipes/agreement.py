"""How closely the PyTorch recipe agrees with the NumPy package ``gumbel_utils``: the figures, printed.

With the same Gumbel noise, float64 (``tests/test_pytorch_recipe.py`` asserts the same comparisons):

1. relaxed and straight-through: the largest difference between torch's per-sample gradient
   (autograd through ``recipes/pytorch_gumbel_softmax.py``) and the package's estimate
   (``gumbel_softmax_grad`` / ``straight_through`` with ``noise=g``), for the package's linear,
   quadratic and cubic objectives at several τ;
2. ``F.gumbel_softmax`` against ``softmax((x + g)/τ)`` for the noise torch draws itself, and
   ``hard=True`` against the written-out ``(y_hard - y).detach() + y``: bit for bit or not;
3. the batched score function with a per-row leave-one-out baseline against the package's
   ``score_function_baseline``, row by row, for the same draws;
4. unbiasedness in torch (torch's own categorical draws): the largest |z| of the mean over many
   batches against the exact gradient, for the recipe and for the notebook's old snippet (whose
   baseline sums over the whole batch), and the old snippet's variance over the recipe's;
5. the annealing schedule against ``gumbel_utils.schedules.anneal``.

Run from the repository root: ``.venv/bin/python recipes/agreement.py`` (a few seconds).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from gumbel_utils.estimators import gumbel_softmax_grad, score_function_baseline, straight_through
from gumbel_utils.objectives import Cubic, Linear, Quadratic, exact_gradient
from gumbel_utils.sampling import sample_gumbel
from gumbel_utils.schedules import anneal

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pytorch_gumbel_softmax as recipe  # noqa: E402

__all__ = ["main"]

C, TARGET = np.array([2.0, 1.0, 0.0]), np.array([0.45, 0.325, 0.2])
OBJECTIVES = {
    "linear": (Linear(C), lambda z: z @ torch.from_numpy(C)),
    "quadratic": (Quadratic(TARGET), lambda z: ((z - torch.from_numpy(TARGET)) ** 2).sum(-1)),
    "cubic": (Cubic(C), lambda z: (z ** 3) @ torch.from_numpy(C)),
}
ROWS = np.array([[1.0, 0.5, 0.0], [-1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [2.0, -2.0, 0.5]])


def _pathwise(n: int) -> None:
    x = ROWS[0]
    g = sample_gumbel((n, 3), rng=1)
    print(f"1. per-sample gradients, logits {tuple(x.tolist())}, n = {n:,}: max |torch - package| (relative to max |grad|)")
    for loss_fn, package in ((recipe.relaxed_loss, gumbel_softmax_grad), (recipe.straight_through_loss, straight_through)):
        for name, (f_np, f_t) in OBJECTIVES.items():
            cells = []
            for tau in (0.05, 0.3, 1.0, 3.0):
                logits = torch.tensor(x).expand(n, 3).clone().requires_grad_(True)
                loss_fn(logits, f_t, tau, 1, gumbels=torch.from_numpy(g)[None]).sum().backward()
                expected = package(x, f_np, n, tau=tau, noise=g)
                diff = np.abs(logits.grad.numpy() - expected).max()
                cells.append(f"τ={tau:g}: {diff:.1e} ({diff / np.abs(expected).max():.1e})")
            print(f"   {package.__name__:20s} {name:9s} " + "  ".join(cells))


def _bitwise() -> None:
    same = []
    for dt in (torch.float32, torch.float64):
        x = torch.tensor(ROWS, dtype=dt).expand(1000, 4, 3)
        torch.manual_seed(5)
        g = -torch.empty_like(x).exponential_().log()
        torch.manual_seed(5)
        soft = torch.equal(F.gumbel_softmax(x, tau=0.3), ((x + g) / 0.3).softmax(-1))
        grads = []
        for written_out in (False, True):
            logits = x.clone().requires_grad_(True)
            torch.manual_seed(5)
            y = recipe.gumbel_softmax(logits, 0.3, hard=True, gumbels=g if written_out else None)
            ((y ** 3) @ torch.tensor(C, dtype=dt)).sum().backward()
            grads.append((y.detach(), logits.grad))
        hard = torch.equal(grads[0][0], grads[1][0]) and torch.equal(grads[0][1], grads[1][1])
        same.append(f"{str(dt)[6:]}: soft {soft}, hard=True vs idiom (values and gradients) {hard}")
    print("2. F.gumbel_softmax with its own noise, bit for bit: " + "; ".join(same))


def _score_rows(n: int) -> None:
    f_np, f_t = OBJECTIVES["cubic"]
    gs = [sample_gumbel((n, 3), rng=20 + b) for b in range(len(ROWS))]
    logits = torch.tensor(ROWS, requires_grad=True)
    recipe.score_function_loss(logits, f_t, n, gumbels=torch.from_numpy(np.stack(gs, axis=1))).sum().backward()
    expected = np.array([score_function_baseline(x, f_np, n, rng=20 + b).mean(0) for b, x in enumerate(ROWS)])
    print(f"3. score function + per-row leave-one-out baseline, B = {len(ROWS)} rows, n = {n} per row: "
          f"max |torch - package| = {np.abs(logits.grad.numpy() - expected).max():.1e}")


def _snippet(logits, f, n):
    """The notebook's old snippet on each batch: baseline (fb.sum() - fb)/(n - 1), the sum over all rows."""
    dist = torch.distributions.Categorical(logits=logits)
    b = dist.sample((n,))
    fb = f(F.one_hot(b, 3).to(logits.dtype)).detach()
    baseline = (fb.sum(dim=(0, -1), keepdim=True) - fb) / (n - 1)
    return ((fb - baseline) * dist.log_prob(b)).mean(dim=(0, -1))


def _unbiased(m: int, n: int) -> None:
    exact = np.array([exact_gradient(x, OBJECTIVES["cubic"][0]) for x in ROWS])
    out = {}
    for name, seed, loss_fn in (("recipe", 7, lambda lg, f, k: recipe.score_function_loss(lg, f, k).mean(-1)),
                                ("old snippet", 8, _snippet)):
        torch.manual_seed(seed)
        logits = torch.tensor(ROWS).expand(m, *ROWS.shape).clone().requires_grad_(True)
        (loss_fn(logits, OBJECTIVES["cubic"][1], n).sum() * len(ROWS)).backward()
        est = logits.grad.numpy()
        z = (est.mean(0) - exact) / (est.std(0, ddof=1) / np.sqrt(m))
        out[name] = (np.abs(z).max(), est.var(0).sum(-1))
        print(f"4. {name:11s}: {m:,} batches of n = {n} per row (B = {len(ROWS)}), cubic f: max |z| against the "
              f"exact gradient = {out[name][0]:.2f}; total variance per row = "
              + ", ".join(f"{v:.3f}" for v in out[name][1]))
    print("   old snippet's variance / recipe's, per row: "
          + ", ".join(f"{r:.1f}" for r in out["old snippet"][1] / out["recipe"][1]))


def _anneal() -> None:
    steps = np.array([0, 1, 499, 500, 999, 1000, 12_345, 10**6])
    diffs = [max(abs(recipe.anneal(int(s), **p) - a) for s, a in zip(steps, anneal(steps, **p)))
             for p in ({}, {"tau0": 2.0, "tau_min": 0.1, "rate": 3e-5, "every": 1000})]
    print(f"5. annealing schedule: max |recipe - package| = {max(diffs):.1e}")


def main() -> int:
    """Print the agreement figures.

    Returns
    -------
    int
        The exit status, 0.
    """
    start = time.process_time()
    print(f"torch {torch.__version__}, float64 unless said")
    _pathwise(10_000)
    _bitwise()
    _score_rows(8)
    _unbiased(40_000, 4)
    _anneal()
    print(f"({time.process_time() - start:.1f} s of CPU time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
