"""Budgets and where actual cost departs from them (variance by volume, efficiency, rate)."""
