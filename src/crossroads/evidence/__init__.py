"""Evidence from outside the decision file: the research log and the shipped market data.

* :mod:`crossroads.evidence.research` (pure): conversations, pooled priors, coverage;
* :mod:`crossroads.evidence.exchange` (pure): CSV and JSON text of the research log;
* :mod:`crossroads.evidence.market`: the shipped aijobs.net salary data set.

The database side of the research log lives in :mod:`crossroads.store`.
"""
