"""Decision files the journal's tests share."""

from __future__ import annotations

#: Two options; the move's pay is fixed in years 0-1 and spreads from year 2 on (a raise,
#: then a promotion that happens in 60-85% of futures after 2 or 3 years).
SMALL = """\
version: 1
decision: Stay or move?
horizon: 6
discount: 5%
samples: 4000
seed: 7
params:
  pay_now: 100k
  p_senior: 60% to 85%
criteria:
  enjoyment: {worth: 1000 to 3000}
options:
  stay:
    roles:
      eng: {cash: pay_now, raise: 2% to 4%, criteria: {enjoyment: 4 to 6}}
  move:
    label: Move to platform
    roles:
      engineer:
        cash: pay_now * 0.6
        raise: 5% to 12%
        criteria: {enjoyment: 7 to 9}
        next: [{to: senior, after: 2 to 3, chance: p_senior}]
      senior:
        label: senior engineer
        cash: previous * (1.3 to 1.6)
        raise: 5% to 12%
        criteria: {enjoyment: 7 to 8}
"""

#: Nothing uncertain: stay is paid 100k until a sure promotion after 3 years doubles it;
#: switch pays 1.5 times the pay it starts from (`previous`).
DETERMINISTIC = """\
version: 1
decision: Redecide by hand
horizon: 5
discount: 10%
samples: 100
seed: 1
options:
  stay:
    roles:
      a: {cash: 100k, next: [{to: b, after: 3}]}
      b: {cash: previous * 2}
  switch:
    roles:
      s: {cash: previous * MULTIPLE}
"""
