r"""float32 at small τ, measured in PyTorch: what rounds to 1, what is exactly one-hot, what has a zero gradient.

For the logits x = (1, 0.5, 0) and the cubic :math:`f(z) = \sum_k c_k z_k^3`, c = (2, 1, 0)
(``gumbel_utils.objectives.Cubic``), n seeded Gumbel draws and each τ, this computes the
relaxed sample :math:`y = \operatorname{softmax}((x + g)/\tau)` and its per-sample
gradient :math:`\nabla_x f(y)` with autograd, in float32 and in float64 from the same
noise values (drawn in float64 and rounded to float32 once, so both precisions see
identical inputs and differ only in their arithmetic), and reports per precision:

* ``max == 1``: share of samples whose largest coordinate rounds to 1;
* ``one-hot``: share that is *exactly* one-hot (every other coordinate exactly 0);
* ``zero grad``: share whose relaxed gradient is exactly zero in every component, also
  among the samples whose argmax is category k, for each k. An exactly one-hot sample has
  a zero gradient; so does, in float32, a sample whose argmax is a category where this f
  is flat (:math:`c_k = 0`: there :math:`\nabla_x f(y)` is of the order of the tiny
  coordinates cubed, and underflows) even when it is not one-hot;
* ``naive NaN``: share with a NaN when the softmax is written ``exp(z/τ) / sum`` without
  subtracting the row maximum (``torch.softmax``, used by the recipe, never gives one);
* for float32: the relative error of the mean gradient against the float64 mean gradient
  of the same noise, :math:`\lVert m_{32} - m_{64} \rVert / \lVert m_{64} \rVert`, beside
  the Monte Carlo standard error of the float64 mean, :math:`\lVert \mathrm{se} \rVert / \lVert m_{64} \rVert`
  (the scale of the noise in any such estimate).

A largest coordinate of exactly 1 does not make a sample one-hot: the others can still
be as small as 1e-45 in float32, and then the Jacobian, hence the gradient, is not zero.

Run from the repository root (needs torch: ``pip install -e .[torch]``)::

    .venv/bin/python recipes/float32_check.py              # n = 100,000, seed 0
    .venv/bin/python recipes/float32_check.py --n 20000 --seed 1
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the recipe beside this file
from pytorch_gumbel_softmax import gumbel_softmax, sample_gumbel  # noqa: E402

__all__ = ["LOGITS", "CUBIC_C", "TAUS", "Float32Row", "naive_softmax", "measure", "format_table", "main"]

LOGITS = (1.0, 0.5, 0.0)
CUBIC_C = (2.0, 1.0, 0.0)
TAUS = (1.0, 0.3, 0.1, 0.03, 0.01)


@dataclass(frozen=True)
class Float32Row:
    """One temperature: the shares in float32 and float64, and the float32 mean gradient's error."""

    tau: float
    max_is_one: dict[str, float]  #: by "float32" / "float64": share with y.max() == 1
    one_hot: dict[str, float]  #: share exactly one-hot
    zero_grad: dict[str, float]  #: share with an exactly zero gradient
    zero_grad_by_argmax: dict[str, tuple[float, ...]]  #: the same among the samples whose argmax is k, per k
    naive_nan: dict[str, float]  #: share with NaN from exp(z/tau)/sum
    stable_nan: dict[str, float]  #: share with NaN from torch.softmax (expected 0)
    rel_err32: float  #: ||mean grad f32 - mean grad f64|| / ||mean grad f64||
    rel_se64: float  #: ||standard error of the f64 mean|| / ||mean grad f64||
    mean_grad64: tuple[float, ...]  #: the float64 mean gradient


def naive_softmax(z: torch.Tensor, tau: float) -> torch.Tensor:
    r"""The softmax as often hand-written, :math:`e^{z/\tau} / \sum e^{z/\tau}`: do not use it.

    Without subtracting the row maximum first, :math:`e^{z/\tau}` overflows to inf once
    :math:`z/\tau` exceeds about 88.7 in float32 (709.8 in float64), and inf / inf is NaN.

    Parameters
    ----------
    z : Tensor, shape (..., K)
    tau : float > 0

    Returns
    -------
    Tensor, shape of ``z``
    """
    e = torch.exp(z / tau)
    return e / e.sum(-1, keepdim=True)


def _share(mask: torch.Tensor) -> float:
    return mask.double().mean().item()


def measure(taus=TAUS, *, n: int = 100_000, seed: int = 0, logits=LOGITS, c=CUBIC_C) -> list[Float32Row]:
    """Measure the shares and the float32 error for each temperature (see the module's text).

    Parameters
    ----------
    taus : sequence of float > 0
    n : int
        Noise draws (the same for every τ and both precisions).
    seed : int
        Seed of the torch generator that draws the noise.
    logits, c : sequence of float
        The logits and the cubic's weights (same length K).

    Returns
    -------
    list of Float32Row, one per τ
    """
    k = len(logits)
    noise = sample_gumbel((n, k), generator=torch.Generator().manual_seed(seed)).float()  # rounded once
    rows = []
    for tau in taus:
        stats: dict[str, dict] = {key: {} for key in ("max", "onehot", "zero", "by_argmax", "naive", "stable")}
        grads = {}
        for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
            g = noise.to(dtype)
            weights = torch.tensor(c, dtype=dtype)
            x = torch.tensor(logits, dtype=dtype).expand(n, k).clone().requires_grad_(True)  # one row per sample
            y = gumbel_softmax(x, tau, gumbels=g)
            ((y ** 3) @ weights).sum().backward()  # the sum: row s of x.grad is sample s's own gradient
            y = y.detach()
            stats["max"][name] = _share(y.amax(-1) == 1)
            stats["onehot"][name] = _share((y == 1).any(-1) & ((y == 0).sum(-1) == k - 1))
            zero = (x.grad == 0).all(-1)
            stats["zero"][name] = _share(zero)
            winner = y.argmax(-1)
            stats["by_argmax"][name] = tuple(_share(zero[winner == j]) for j in range(k))
            stats["naive"][name] = _share(naive_softmax(x.detach() + g, tau).isnan().any(-1))
            stats["stable"][name] = _share(y.isnan().any(-1))
            grads[name] = x.grad.double()
        m32, m64 = grads["float32"].mean(0), grads["float64"].mean(0)
        se64 = grads["float64"].std(0) / n ** 0.5
        norm = m64.norm().item()
        rows.append(Float32Row(float(tau), stats["max"], stats["onehot"], stats["zero"], stats["by_argmax"],
                               stats["naive"], stats["stable"], (m32 - m64).norm().item() / norm, se64.norm().item() / norm,
                               tuple(m64.tolist())))
    return rows


def format_table(rows: list[Float32Row]) -> str:
    """The rows as a Markdown table (shares in %, errors relative to the float64 mean gradient).

    Parameters
    ----------
    rows : list of Float32Row

    Returns
    -------
    str
    """
    lines = ["| τ | max == 1 f32 | f64 | exactly one-hot f32 | f64 | zero gradient f32 | f64 "
             "| naive NaN f32 | f64 | torch.softmax NaN | rel. error of f32 mean grad | MC s.e. (rel.) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        cells = [f"{r.tau:g}"]
        for d in (r.max_is_one, r.one_hot, r.zero_grad, r.naive_nan):
            cells += [f"{100 * d['float32']:.3f} %", f"{100 * d['float64']:.3f} %"]
        cells += [f"{100 * max(r.stable_nan.values()):.0f} %", f"{r.rel_err32:.1e}", f"{r.rel_se64:.1e}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Exactly zero gradient among the samples whose argmax is category k (float32 / float64):", "",
              "| τ | " + " | ".join(f"k = {j + 1}" for j in range(len(rows[0].mean_grad64))) + " |",
              "|---:|" + "---:|" * len(rows[0].mean_grad64)]
    for r in rows:
        lines.append(f"| {r.tau:g} | " + " | ".join(
            f"{100 * a:.3f} % / {100 * b:.3f} %"
            for a, b in zip(r.zero_grad_by_argmax["float32"], r.zero_grad_by_argmax["float64"])) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table for the command-line options (``--n``, ``--seed``).

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status, 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="noise draws (default 100,000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the torch generator (default 0)")
    args = parser.parse_args(argv)
    start = time.process_time()
    rows = measure(n=args.n, seed=args.seed)
    print(f"logits {LOGITS}, cubic f with c = {CUBIC_C}, n = {args.n:,}, seed {args.seed}, torch {torch.__version__}")
    print(format_table(rows))
    print("float64 mean gradient at each τ: " + "; ".join(
        f"{r.tau:g}: (" + ", ".join(f"{v:.4f}" for v in r.mean_grad64) + ")" for r in rows))
    print(f"({time.process_time() - start:.1f} s of CPU time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
