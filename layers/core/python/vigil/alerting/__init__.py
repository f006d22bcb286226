"""Alerting: rules derived from chart definitions, evaluation, state, silences, backtests."""
