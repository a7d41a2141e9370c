"""Forecast work from the records: contacts and AHT per series, with a backtest.

:func:`ccecon.forecast.series.read_history` aggregates the store; :func:`ccecon.forecast.
models.forecast_frame` chooses and runs a statsforecast model per series;
:func:`ccecon.forecast.fragment.scenario_fragment` turns the forecast into scenario
channels whose volumes are ranges.
"""
