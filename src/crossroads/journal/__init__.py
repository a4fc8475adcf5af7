"""The decision journal: keep a decision's predictions and hold them against what happened.

* :mod:`~crossroads.journal.prediction`: what a prediction keeps, year by year (data);
* :mod:`~crossroads.journal.predict`: the chosen option's predictions made from the run's
  own draws;
* :mod:`~crossroads.journal.calibrate`: where each actual fell (percentile, PIT), the
  Brier score of the role probabilities, the review's JSON;
* :mod:`~crossroads.journal.sentences`: the review's plain sentences;
* :mod:`~crossroads.journal.redecide`: the decision file rewritten to start from today.

Pure: the database side is :mod:`crossroads.store.journal`, the commands
:mod:`crossroads.cli.journal`. docs/journal.md is the user's guide.
"""
