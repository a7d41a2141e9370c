"""Uncertainty: distributions as inputs, Monte Carlo through the one engine, sensitivity.

* :mod:`~ccecon.uncertainty.distributions`: the distribution objects a scenario may use
  instead of a number;
* :mod:`~ccecon.uncertainty.sampling`: find the uncertain inputs, draw them (optionally
  rank-correlated), and realize a scenario with arrays of draws;
* :mod:`~ccecon.uncertainty.montecarlo`: percentiles, probabilities, convergence;
* :mod:`~ccecon.uncertainty.sensitivity`: tornado and Sobol indices.

Submodules are imported on use (no import-time work here).
"""
