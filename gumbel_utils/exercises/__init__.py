"""The exercises' room: self-checks, their machinery and the folding of worked solutions.

A notebook imports what it needs from the modules here (nothing is re-exported)::

    from gumbel_utils.exercises import check                 # check.exercise_N_M(answer_N_M)
    from gumbel_utils.exercises.solutions import solution_output

- :mod:`gumbel_utils.exercises.check`: one self-check per exercise, ``exercise_N_M(answer)``;
- :mod:`gumbel_utils.exercises.feedback`: what a check shows (right, or what is wrong, never the
  answer), the registry of exercises and the answer validators the checks share;
- :mod:`gumbel_utils.exercises.solutions`: :func:`~gumbel_utils.exercises.solutions.solution_output`,
  which folds a worked solution's printed answer into a closed ``<details>`` block.

The math the checks compare against comes from the rest of the package; nothing below imports
from here.
"""

__all__: list[str] = []
