"""Draws that end the horizon stuck in a role: its one-shot chances all failed, or the
option-value counterfactual took its moves away (docs/simulation.md, "Paths").

``run`` counts them chunk by chunk and says, per option and role, what share of draws stays
there to the horizon; ``option-value`` says it of the roles ``--without`` leaves with no
way out (the sentences: :func:`crossroads.verdict.stuck_sentences` and
:func:`crossroads.verdict.stranded_sentence`).
"""

from __future__ import annotations

import numpy as np

from crossroads.model.companies import one_shot_only
from crossroads.model.compile import Model


class StuckCounts:
    """Draws stuck in each role of each option, added up over chunks.

    >>> import crossroads
    >>> m = crossroads.load("decision: x\\noptions: {a: {roles: {r: {cash: 1, "
    ...                     "next: [{to: s, after: 1, chance: 50%}]}, s: {cash: 2}}}}")
    >>> counts = StuckCounts(m)
    >>> counts.add(np.array([[0, -1, 0, -1]], dtype=np.int16))
    >>> counts.shares(4)
    {'a': {'r': 0.5}}
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        roles = max(len(o.roles) for o in model.options)
        self.counts = np.zeros((len(model.options), roles + 1), dtype=np.int64)
        # the roles a draw can end stuck in, per option (the walker marks no other)
        self.candidates = [[k for k, r in enumerate(o.roles) if r.closed or one_shot_only(o, r)]
                           for o in model.options]

    def add(self, stuck: np.ndarray | None) -> None:
        """Count one chunk's ``Outcomes.stuck`` (n_options, n), -1 for not stuck."""
        if stuck is None:
            return
        for i, row in enumerate(stuck):
            # a count per role that can be stuck: a bincount costs more than a few compares
            got = [int(np.count_nonzero(row == k)) for k in (-1, *self.candidates[i])]
            if sum(got) == row.size:
                self.counts[i, [0, *(k + 1 for k in self.candidates[i])]] += got
            else:  # roles beyond the candidates: count them all
                self.counts[i] += np.bincount(row.astype(np.int64) + 1,
                                              minlength=self.counts.shape[1])

    def shares(self, n: int) -> dict[str, dict[str, float]]:
        """Per option, the share of all ``n`` draws stuck in each role (roles with any)."""
        out: dict[str, dict[str, float]] = {}
        for i, option in enumerate(self.model.options):
            got = {role.id: float(self.counts[i, k + 1] / n)
                   for k, role in enumerate(option.roles) if self.counts[i, k + 1]}
            if got:
                out[option.id] = got
        return out
