"""The PyTorch recipe (``recipes/pytorch_gumbel_softmax.py``) against the package, with the same noise.

Float64 unless said. The recipe's relaxed and straight-through losses give, sample by
sample, the values and gradients of ``gumbel_utils``'s estimators for the same Gumbel noise
(to about 1e-15); ``F.gumbel_softmax`` computes exactly ``softmax((logits + g)/tau)`` for the
noise it draws itself; the written-out ``(y_hard - y).detach() + y`` is ``hard=True`` bit for
bit; the batched score function's per-row leave-one-out baseline gives, row by row, the
package's ``score_function_baseline`` for the same categorical draws, and its mean is the
exact gradient; the notebook's old snippet, whose baseline sums over the whole batch, gives
other numbers and a much larger variance (it stays unbiased); the annealing schedule is the
package's; ``recipes/float32_check.py`` runs. And neither the package nor the notebooks import torch.

PyTorch is an optional extra (``pip install -e .[torch]``): without it this module is skipped
with the reason shown, except under ``CI=true``, where ``.ci/run`` installs the CPU wheel and a
missing torch fails every test here.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gumbel_utils.concrete import gumbel_softmax as np_gumbel_softmax
from gumbel_utils.estimators import gumbel_softmax_grad, score_function, score_function_baseline, straight_through
from gumbel_utils.objectives import Cubic, Linear, Quadratic, exact_gradient
from gumbel_utils.sampling import sample_gumbel
from gumbel_utils.schedules import anneal

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "recipes"
REASON = "PyTorch is an optional extra (pip install -e .[torch]); the recipe tests need it"

torch = F = None  # imported by the autouse fixture below: collecting this file costs no torch import


@pytest.fixture(scope="module", autouse=True)
def _torch_present():
    """PyTorch, or a skip (a failure under CI=true, where .ci/run installs the CPU wheel torch==2.13.0)."""
    global torch, F
    try:
        import torch as _torch
        import torch.nn.functional as _functional
    except ImportError as err:
        if os.environ.get("CI") != "true":
            pytest.skip(REASON)
        pytest.fail(f"PyTorch is mandatory under CI=true (.ci/run installs the CPU wheel, torch==2.13.0): {err}",
                    pytrace=False)
    torch, F = _torch, _functional


def _load(name: str):
    """A module of ``recipes/`` by file name (the folder is not a package: the package never needs torch)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, RECIPES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def recipe(_torch_present):
    return _load("pytorch_gumbel_softmax")


X = np.array([1.0, 0.5, 0.0])
C = np.array([2.0, 1.0, 0.0])
TARGET = np.array([0.45, 0.325, 0.2])
#: The package's objectives and the same f written as torch expressions (value and autograd gradient).
OBJECTIVES = {
    "linear": (Linear(C), lambda z: z @ torch.from_numpy(C)),
    "quadratic": (Quadratic(TARGET), lambda z: ((z - torch.from_numpy(TARGET)) ** 2).sum(-1)),
    "cubic": (Cubic(C), lambda z: (z ** 3) @ torch.from_numpy(C)),
}
TAUS = [0.05, 0.3, 1.0, 3.0]
N = 256  # a power of two: the mean over n samples scales gradients exactly


def _per_sample(loss_fn, f, x: np.ndarray, g: np.ndarray, tau: float):
    """Values and gradients sample by sample: one row of logits per noise draw, n = 1 sample per row."""
    n, k = g.shape
    logits = torch.tensor(x).expand(n, k).clone().requires_grad_(True)
    loss = loss_fn(logits, f, tau, 1, gumbels=torch.from_numpy(g)[None])  # shape (n,): f of each sample
    loss.sum().backward()
    return loss.detach().numpy(), logits.grad.numpy()


# ----------------------------------------------------------------------------- relaxed and straight-through


def test_the_torch_objectives_are_the_packages():
    z = np.random.default_rng(0).dirichlet(np.ones(3), size=50)
    for name, (f_np, f_t) in OBJECTIVES.items():
        zt = torch.tensor(z, requires_grad=True)
        f_t(zt).sum().backward()
        np.testing.assert_allclose(f_t(zt).detach().numpy(), f_np.value(z), rtol=1e-14, err_msg=name)
        np.testing.assert_allclose(zt.grad.numpy(), f_np.grad(z), rtol=1e-14, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("tau", TAUS)
@pytest.mark.parametrize("name", OBJECTIVES)
def test_relaxed_values_and_gradients_equal_the_packages(recipe, name, tau):
    f_np, f_t = OBJECTIVES[name]
    g = sample_gumbel((N, 3), rng=1)
    y = recipe.gumbel_softmax(torch.tensor(X), tau, gumbels=torch.from_numpy(g)).numpy()
    np.testing.assert_allclose(y, np_gumbel_softmax(X, tau, noise=g), rtol=1e-13, atol=1e-300)
    value, grad = _per_sample(recipe.relaxed_loss, f_t, X, g, tau)
    np.testing.assert_allclose(value, f_np.value(np_gumbel_softmax(X, tau, noise=g)), rtol=1e-13)
    expected = gumbel_softmax_grad(X, f_np, N, tau=tau, noise=g)
    scale = np.abs(expected).max()
    assert np.abs(grad - expected).max() <= 1e-13 * scale, np.abs(grad - expected).max() / scale


@pytest.mark.parametrize("tau", TAUS)
@pytest.mark.parametrize("name", OBJECTIVES)
def test_straight_through_values_and_gradients_equal_the_packages(recipe, name, tau):
    f_np, f_t = OBJECTIVES[name]
    g = sample_gumbel((N, 3), rng=2)
    one_hot = np_gumbel_softmax(X, tau, noise=g, hard=True)
    y = recipe.gumbel_softmax(torch.tensor(X), tau, hard=True, gumbels=torch.from_numpy(g)).numpy()
    np.testing.assert_allclose(y, one_hot, rtol=0, atol=2e-16)  # (1 - y) + y: within an ulp of the one-hot
    value, grad = _per_sample(recipe.straight_through_loss, f_t, X, g, tau)
    np.testing.assert_allclose(value, f_np.value(one_hot), rtol=1e-14, atol=1e-15)
    expected = straight_through(X, f_np, N, tau=tau, noise=g)
    scale = np.abs(expected).max()
    assert np.abs(grad - expected).max() <= 1e-13 * scale, np.abs(grad - expected).max() / scale


def test_the_batch_mean_is_the_packages_mean_for_each_row(recipe):
    """Logits (B, K), n samples per row: row b of the gradient is the mean of the package's n estimates."""
    xs = np.array([[1.0, 0.5, 0.0], [-1.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    f_np, f_t = OBJECTIVES["cubic"]
    gs = [sample_gumbel((N, 3), rng=10 + b) for b in range(len(xs))]
    for loss_fn, package in ((recipe.relaxed_loss, gumbel_softmax_grad), (recipe.straight_through_loss, straight_through)):
        logits = torch.tensor(xs, requires_grad=True)
        loss_fn(logits, f_t, 0.5, N, gumbels=torch.from_numpy(np.stack(gs, axis=1))).sum().backward()
        expected = np.array([package(x, f_np, N, tau=0.5, noise=g).mean(0) for x, g in zip(xs, gs)])
        np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_f_gumbel_softmax_is_the_softmax_of_its_own_draw_and_hard_is_the_idiom(recipe, dtype):
    """Seed torch, read the noise F.gumbel_softmax draws (-log of Exp(1) draws), compare bit for bit."""
    dt = getattr(torch, dtype)
    x = torch.tensor([[1.0, 0.5, 0.0], [-1.0, 0.0, 2.0]], dtype=dt).expand(64, 2, 3)
    tau = 0.3
    torch.manual_seed(5)
    g = -torch.empty_like(x).exponential_().log()  # what F.gumbel_softmax draws first
    torch.manual_seed(5)
    own = F.gumbel_softmax(x, tau=tau)
    assert torch.equal(own, ((x + g) / tau).softmax(-1))
    assert torch.equal(own, recipe.gumbel_softmax(x, tau, gumbels=g))
    c = torch.tensor([2.0, 1.0, 0.0], dtype=dt)
    runs = {}
    for name in ("hard=True", "written out"):
        logits = x.clone().requires_grad_(True)
        if name == "hard=True":
            torch.manual_seed(5)
            y = F.gumbel_softmax(logits, tau=tau, hard=True)
        else:
            y_soft = ((logits + g) / tau).softmax(-1)
            y_hard = F.one_hot(y_soft.argmax(-1), 3).to(dt)
            y = (y_hard - y_soft).detach() + y_soft
            assert torch.equal(y, recipe.straight_through(y_soft))
        ((y ** 3) @ c).sum().backward()
        runs[name] = (y.detach(), logits.grad)
    assert torch.equal(runs["hard=True"][0], runs["written out"][0])
    assert torch.equal(runs["hard=True"][1], runs["written out"][1])


def test_the_recipes_noise_is_the_packages_and_finite_at_u_zero(recipe):
    u = np.random.default_rng(3).random((1000, 3))  # what sample_gumbel(rng=3) transforms
    np.testing.assert_allclose(recipe.gumbel_from_uniform(torch.from_numpy(u)).numpy(),
                               sample_gumbel((1000, 3), rng=3), rtol=1e-15)
    for dt in (torch.float32, torch.float64):
        g = recipe.gumbel_from_uniform(torch.zeros(2, dtype=dt))
        assert torch.isfinite(g).all()
        with np.errstate(divide="ignore"):
            assert np.isinf(-np.log(-np.log(np.zeros(1, dtype=np.float32))))  # unclipped: -inf
    big = recipe.sample_gumbel((200_000, 3), dtype=torch.float32, generator=torch.Generator().manual_seed(0))
    assert torch.isfinite(big).all() and abs(big.mean().item() - 0.5772) < 5 * 1.28 / 600 ** 1


def test_wrong_noise_shapes_are_refused(recipe):
    logits = torch.zeros(2, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match="gumbels must have shape"):
        recipe.relaxed_loss(logits, lambda z: z[..., 0], 0.5, 4, gumbels=torch.zeros(2, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match="n = 4"):
        recipe.score_function_loss(logits, lambda z: z[..., 0], 4, gumbels=torch.zeros(3, 2, 3, dtype=torch.float64))


# ----------------------------------------------------------------------------- the score function


XS = np.array([[1.0, 0.5, 0.0], [-1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [2.0, -2.0, 0.5]])  # rows with different logits


def _snippet_loss(logits, f, n, gumbels=None):
    """The notebook's old snippet, as printed (its baseline sums fb over every row), with Gumbel-max draws if given.

    ``logits`` (B, K) or (M, B, K): with M batches the same snippet runs on each batch
    (its sum runs over the n samples and the B rows of one batch, never across batches).
    """
    dist = torch.distributions.Categorical(logits=logits)
    b = dist.sample((n,)) if gumbels is None else (logits.detach() + gumbels).argmax(-1)
    fb = f(F.one_hot(b, logits.shape[-1]).to(logits.dtype)).detach()
    batch_sum = fb.sum(dim=(0, -1), keepdim=True)          # fb.sum() of one batch
    baseline = (batch_sum - fb) / (n - 1)
    return ((fb - baseline) * dist.log_prob(b)).mean(dim=(0, -1))


def test_the_batched_score_function_is_the_packages_row_by_row(recipe):
    f_np, f_t = OBJECTIVES["cubic"]
    n = 8
    gs = [sample_gumbel((n, 3), rng=20 + b) for b in range(len(XS))]  # what the package draws from rng=20 + b
    gumbels = torch.from_numpy(np.stack(gs, axis=1))                    # (n, B, K)
    draws = (torch.tensor(XS) + gumbels).argmax(-1).numpy()
    for b, x in enumerate(XS):                                          # the same categorical draws
        np.testing.assert_array_equal(draws[:, b], (x - x.max() + gs[b]).argmax(-1))
    logits = torch.tensor(XS, requires_grad=True)
    recipe.score_function_loss(logits, f_t, n, gumbels=gumbels).sum().backward()
    expected = np.array([score_function_baseline(x, f_np, n, rng=20 + b).mean(0) for b, x in enumerate(XS)])
    np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-13, atol=1e-15)
    # n = 1: no other sample, no baseline: the plain score function
    logits = torch.tensor(XS, requires_grad=True)
    recipe.score_function_loss(logits, f_t, 1, gumbels=gumbels[:1]).sum().backward()
    expected = np.array([score_function(x, f_np, 1, rng=20 + b)[0] for b, x in enumerate(XS)])
    np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-13, atol=1e-15)


def test_the_old_snippets_batch_baseline_differs(recipe):
    f_t = OBJECTIVES["cubic"][1]
    n = 8
    gumbels = torch.from_numpy(np.stack([sample_gumbel((n, 3), rng=20 + b) for b in range(len(XS))], axis=1))
    grads = {}
    for name, rows in (("B = 1", XS[:1]), ("B = 4", XS)):
        for loss in ("per row", "snippet"):
            logits = torch.tensor(rows, requires_grad=True)
            if loss == "per row":
                recipe.score_function_loss(logits, f_t, n, gumbels=gumbels[:, :len(rows)]).mean().backward()
            else:
                _snippet_loss(logits, f_t, n, gumbels[:, :len(rows)]).backward()
            grads[name, loss] = logits.grad
    assert torch.allclose(grads["B = 1", "per row"], grads["B = 1", "snippet"], rtol=1e-14, atol=0)  # one row: same
    assert (grads["B = 4", "per row"] - grads["B = 4", "snippet"]).abs().max() > 0.01


def _batches(loss_fn, m: int, n: int, seed: int) -> np.ndarray:
    """m independent batches (torch's own Categorical draws): each batch's gradient, row by row, (m, B, K)."""
    torch.manual_seed(seed)
    logits = torch.tensor(XS).expand(m, *XS.shape).clone().requires_grad_(True)
    (loss_fn(logits, OBJECTIVES["cubic"][1], n).sum() * XS.shape[0]).backward()
    return logits.grad.numpy()


def test_the_score_function_with_its_row_baseline_is_unbiased_in_torch(recipe):
    m, n = 40_000, 4
    estimates = _batches(lambda lg, f, k: recipe.score_function_loss(lg, f, k).mean(-1), m, n, seed=7)
    exact = np.array([exact_gradient(x, OBJECTIVES["cubic"][0]) for x in XS])
    z = (estimates.mean(0) - exact) / (estimates.std(0, ddof=1) / np.sqrt(m))
    assert np.abs(z).max() < 5, z.round(2)


def test_the_old_snippet_is_unbiased_but_much_noisier(recipe):
    """Its baseline sums f over all B rows: still independent of each sample (no bias), but not centred."""
    m, n = 40_000, 4
    exact = np.array([exact_gradient(x, OBJECTIVES["cubic"][0]) for x in XS])
    snippet = _batches(_snippet_loss, m, n, seed=8)
    row = _batches(lambda lg, f, k: recipe.score_function_loss(lg, f, k).mean(-1), m, n, seed=9)
    z = (snippet.mean(0) - exact) / (snippet.std(0, ddof=1) / np.sqrt(m))
    assert np.abs(z).max() < 5, z.round(2)
    ratio = snippet.var(0).sum(-1) / row.var(0).sum(-1)  # per row: total variance, snippet over per-row baseline
    assert ratio.min() > 2, ratio.round(2)
    # the literal snippet on one batch is what _batches ran m times
    logits = torch.tensor(XS, requires_grad=True)
    torch.manual_seed(1)
    _snippet_loss(logits, OBJECTIVES["cubic"][1], n).backward()
    torch.manual_seed(1)
    b = torch.distributions.Categorical(logits=torch.tensor(XS)).sample((n,))
    fb = OBJECTIVES["cubic"][1](F.one_hot(b, 3).double())
    literal = torch.tensor(XS, requires_grad=True)
    baseline = (fb.sum() - fb) / (n - 1)
    ((fb - baseline) * torch.distributions.Categorical(logits=literal).log_prob(b)).mean().backward()
    assert torch.equal(logits.grad, literal.grad)


# ----------------------------------------------------------------------------- annealing, float32, the recipe's examples


def test_the_annealing_schedule_is_the_packages(recipe):
    steps = [0, 1, 499, 500, 999, 1000, 12_345, 10**6]
    for params in ({}, {"tau0": 2.0, "tau_min": 0.1, "rate": 3e-5, "every": 1000}, {"rate": 0.0}):
        ours = [recipe.anneal(s, **params) for s in steps]
        np.testing.assert_allclose(ours, anneal(steps, **params), rtol=1e-15)
    assert recipe.anneal(500) == pytest.approx(np.exp(-0.05), rel=1e-15)  # 1e-4 * 500 * floor(500 / 500)


def test_the_float32_check_runs_and_max_one_is_not_one_hot():
    check = _load("float32_check")
    rows = {r.tau: r for r in check.measure(taus=(1.0, 0.1, 0.01), n=20_000, seed=3)}
    for r in rows.values():
        for d in ("float32", "float64"):
            assert r.one_hot[d] <= r.max_is_one[d] and r.one_hot[d] <= r.zero_grad[d]  # one-hot: zero Jacobian
        assert r.stable_nan == {"float32": 0.0, "float64": 0.0}
        assert r.naive_nan["float64"] <= r.naive_nan["float32"]
        assert r.rel_err32 < 1e-5 and r.rel_err32 < r.rel_se64 / 100
    assert rows[1.0].max_is_one["float32"] == 0.0
    assert rows[0.1].max_is_one["float32"] > 0.2 and rows[0.1].zero_grad["float32"] < 0.02  # rounds to 1, not one-hot
    assert rows[0.1].one_hot["float32"] < 0.001
    assert rows[0.01].naive_nan["float32"] > 0.5
    assert "| 0.1 |" in check.format_table(list(rows.values()))


@pytest.mark.slow
def test_the_recipes_examples_run(recipe):
    result = doctest.testmod(recipe, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10 and result.failed == 0


@pytest.mark.slow
def test_neither_the_package_nor_the_notebooks_import_torch():
    """Torch is installed here, so an accidental import would pass unnoticed anywhere else."""
    code = ("import importlib, pkgutil, sys, gumbel_utils\n"
            "for m in pkgutil.walk_packages(gumbel_utils.__path__, 'gumbel_utils.'): importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k == 'torch' or k.startswith('torch.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                assert "import torch" not in source and "from torch" not in source, path.name


def _display_cell() -> str:
    """The cell of Notebook 4 that shows the recipe's file (its code, read from the file, never imported)."""
    import nbformat

    nb = nbformat.read(next(ROOT.glob("notebooks/04_*.ipynb")), as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "pytorch_gumbel_softmax.py" in c.source
             and "print(" in c.source]
    assert len(cells) == 1, f"Notebook 4 should have one cell that shows the recipe, found {len(cells)}"
    return cells[0]


NO_TORCH = """
import sys
class NoTorch:  # `import torch` fails, as in a venv without the extra
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, NoTorch())
"""


@pytest.mark.slow
def test_the_notebook_cell_that_shows_the_recipe_runs_without_torch():
    code = NO_TORCH + _display_cell() + "\nassert 'torch' not in sys.modules\n"
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                         cwd=ROOT / "notebooks")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "def score_function_loss" in out.stdout and '"""' not in out.stdout  # the code, without its docstrings
    tree = ast.parse((RECIPES / "pytorch_gumbel_softmax.py").read_text())
    assert all(ast.get_docstring(n) for n in tree.body if isinstance(n, ast.FunctionDef))  # the cell needs them
